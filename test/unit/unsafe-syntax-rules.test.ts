import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceAnalyzer } from '../../core/analyze/analyze-source';
import { readKernelFacts } from '../../core/analyze/kernel-facts';
import { applyEdits } from '../../core/fixes/text-edit';
import type { Finding } from '../../core/rules/finding';

const facts = readKernelFacts() ?? undefined;

async function lint(text: string, opts: { kernel?: boolean } = {}): Promise<Finding[]> {
  const a = new SourceAnalyzer();
  if (opts.kernel) a.kernel = facts;
  return (await a.analyze('c', text)).findings;
}
const of = (findings: Finding[], rule: string) => findings.filter((f) => f.rule === rule);
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));
const preferredFix = (text: string, f: Finding) => {
  const fixes = f.fixes?.() ?? [];
  return applyEdits(text, (fixes.find((x) => x.preferred) ?? fixes[0]).edits);
};

const HEAD = '#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n';
const GPL = '\nchar LICENSE[] SEC("license") = "GPL";\n';

describe('helper-prog-type', () => {
  const prog = (section: string, body: string) => `${HEAD}SEC("${section}")\nint p(void *ctx)\n{\n${body}\n\treturn 0;\n}\n${GPL}`;

  it('flags an skb helper in XDP with the verifier words and the helper id; not in TC', async () => {
    const text = prog('xdp', '\tchar b[4];\n\tbpf_skb_load_bytes(ctx, 0, b, 4);');
    const [f] = of(await lint(text), 'helper-prog-type');
    assert.equal(f.severity, 'error');
    assert.equal(f.range.start.line, lineOf(text, 'bpf_skb_load_bytes'));
    assert.match(f.message, /"program of this type cannot use helper bpf_skb_load_bytes#26"/);
    assert.match(f.message, /available to .*tc/);
    assert.deepEqual(of(await lint(prog('tc', '\tchar b[4];\n\tbpf_skb_load_bytes(ctx, 0, b, 4);')), 'helper-prog-type'), []);
  });

  it('follows static callees, names them; leaves unknown sections and helpers no program type has alone', async () => {
    const text = `${HEAD}static int fwd(void) { return bpf_redirect(1, 0); }\nSEC("kprobe/x")\nint p(void *ctx) { return fwd(); }\n${GPL}`;
    const [f] = of(await lint(text), 'helper-prog-type');
    assert.match(f.message, /in fwd\(\), which p\(\) calls/);
    assert.deepEqual(of(await lint(prog('struct_ops/x', '\tbpf_redirect(1, 0);')), 'helper-prog-type'), []);
    // bpf_override_return needs CONFIG_BPF_KPROBE_OVERRIDE, which the probed kernel lacks: not a program-type matter
    assert.deepEqual(of(await lint(prog('kprobe/x', '\tbpf_override_return(ctx, 0);')), 'helper-prog-type'), []);
  });
});

describe('gpl-helper', () => {
  const xdp = (license: string | null) => `${HEAD}SEC("xdp")\nint p(struct xdp_md *ctx)\n{\n\tbpf_printk("x");\n\treturn XDP_PASS;\n}\n` +
    (license === null ? '' : `char LICENSE[] SEC("license") = "${license}";\n`);

  it('flags bpf_printk without a GPL-compatible license, with a fix to the license line', async () => {
    const text = xdp('Proprietary');
    const [f] = of(await lint(text), 'gpl-helper');
    assert.equal(f.severity, 'error');
    assert.match(f.message, /"cannot call GPL-restricted function from non-GPL compatible program": bpf_trace_printk \(bpf_printk\)/);
    assert.match(preferredFix(text, f), /SEC\("license"\) = "GPL";/);
    for (const ok of ['GPL', 'Dual BSD/GPL', 'Dual MIT/GPL', 'GPL v2']) assert.deepEqual(of(await lint(xdp(ok)), 'gpl-helper'), [], ok);
  });

  it('a file without a license gets the line added; an LSM program without GPL is refused outright', async () => {
    const text = xdp(null);
    const [f] = of(await lint(text), 'gpl-helper');
    assert.match(f.message, /no SEC\("license"\)/);
    assert.match(preferredFix(text, f), /\nchar LICENSE\[\] SEC\("license"\) = "GPL";\n$/);
    const lsm = `${HEAD}SEC("lsm/file_open")\nint p(void *ctx) { return 0; }\nchar LICENSE[] SEC("license") = "MIT";\n`;
    assert.match(of(await lint(lsm), 'gpl-helper')[0].message, /"LSM programs must have a GPL compatible license"/);
  });

  it('a license given through a macro is not read, so not judged; a comment about licenses is no license', async () => {
    const cilium = xdp(null) + '#define BPF_LICENSE(NAME) char ____license[] __attribute__((section("license"), used)) = NAME\nBPF_LICENSE("Dual BSD/GPL");\n';
    assert.deepEqual(of(await lint(cilium), 'gpl-helper'), []);
    assert.equal(of(await lint(`// license: see COPYING\n${xdp(null)}`), 'gpl-helper').length, 1);
  });
});

describe('probe-read', () => {
  it('bpf_probe_read is an info (refused only where address ranges overlap) with kernel/user fixes, user preferred in uprobes', async () => {
    const k = `${HEAD}SEC("kprobe/x")\nint p(void *ctx) { long v; bpf_probe_read(&v, 8, ctx); return 0; }\n${GPL}`;
    const [f] = of(await lint(k), 'probe-read');
    assert.equal(f.severity, 'info');
    assert.match(f.message, /s390/);
    assert.match(preferredFix(k, f), /bpf_probe_read_kernel\(&v/);
    const u = k.replace('kprobe/x', 'uprobe').replace('bpf_probe_read(', 'bpf_probe_read_str(');
    assert.match(preferredFix(u, of(await lint(u), 'probe-read')[0]), /bpf_probe_read_user_str\(&v/);
  });

  it('a BPF_KPROBE argument dereferenced is an error with a BPF_CORE_READ fix; BTF-typed and non-load uses are not', async () => {
    const src = (section: string, macro: string, body: string) => `#include "vmlinux.h"\n#include <bpf/bpf_helpers.h>\n#include <bpf/bpf_tracing.h>\n` +
      `SEC("${section}")\nint ${macro}(p, struct file *file)\n{\n${body}\n\treturn 0;\n}\n${GPL}`;
    const bad = src('kprobe/vfs_read', 'BPF_KPROBE', '\tunsigned int flags = file->f_inode->i_flags;');
    const [f] = of(await lint(bad), 'probe-read');
    assert.equal(f.severity, 'error');
    assert.match(f.message, /invalid mem access 'scalar'/);
    assert.match(preferredFix(bad, f), /flags = BPF_CORE_READ\(file, f_inode, i_flags\);/);
    assert.deepEqual(of(await lint(src('fentry/vfs_read', 'BPF_PROG', '\tunsigned int flags = file->f_inode->i_flags;')), 'probe-read'), []);
    const notLoads = '\tvoid *i;\n\tbpf_probe_read_kernel(&i, sizeof(i), &file->f_inode);\n\tif (bpf_core_field_exists(file->f_flags)) return sizeof(file->f_mode);';
    assert.deepEqual(of(await lint(src('kprobe/vfs_read', 'BPF_KPROBE', notLoads)), 'probe-read'), []);
  });
});

describe('legacy-map and untyped-map-member', () => {
  it('a bpf_map_def SEC("maps") is a warning (libbpf 1.0+) with the BTF-style definition as its fix', async () => {
    const text = `${HEAD}struct bpf_map_def SEC("maps") m = {\n\t.type = BPF_MAP_TYPE_HASH,\n\t.key_size = sizeof(__u32),\n\t.value_size = sizeof(struct v),\n\t.max_entries = 16,\n};\n`;
    const [f] = of(await lint(text), 'legacy-map');
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /legacy map definitions in 'maps' section are not supported by libbpf v1\.0\+/);
    assert.match(preferredFix(text, f), /struct \{\n\t__uint\(type, BPF_MAP_TYPE_HASH\);\n\t__type\(key, __u32\);\n\t__type\(value, struct v\);\n\t__uint\(max_entries, 16\);\n\} m SEC\("\.maps"\);/);
  });

  const map = (type: string, members: string) => `${HEAD}struct v { struct bpf_spin_lock l; __u64 n; };\nstruct w { __u64 n; };\n` +
    `struct {\n\t__uint(type, ${type});\n${members}\n\t__uint(max_entries, 4);\n} m SEC(".maps");\n`;

  it('key_size/value_size: an info with a __type fix; nothing for fd maps; an error where the kernel needs BTF', async () => {
    const text = map('BPF_MAP_TYPE_HASH', '\t__uint(key_size, sizeof(__u32));\n\t__type(value, struct w);');
    const [f] = of(await lint(text), 'untyped-map-member');
    assert.equal(f.severity, 'info');
    assert.match(preferredFix(text, f), /\t__type\(key, __u32\);\n/);
    assert.deepEqual(of(await lint(map('BPF_MAP_TYPE_PERF_EVENT_ARRAY', '\t__uint(key_size, sizeof(int));\n\t__uint(value_size, sizeof(int));')), 'untyped-map-member'), []);
    const storage = of(await lint(map('BPF_MAP_TYPE_TASK_STORAGE', '\t__uint(key_size, sizeof(int));\n\t__uint(value_size, sizeof(struct w));')), 'untyped-map-member');
    assert.deepEqual(storage.map((x) => x.severity), ['error']);
    const lock = of(await lint(map('BPF_MAP_TYPE_ARRAY', '\t__type(key, __u32);\n\t__uint(value_size, sizeof(struct v));')), 'untyped-map-member');
    assert.equal(lock[0].severity, 'error');
    assert.match(lock[0].message, /"map 'm' has to have BTF in order to use bpf_spin_lock"/);
  });
});

describe('attach-target (the running kernel)', () => {
  const prog = (section: string) => `${HEAD}SEC("${section}")\nint p(void *ctx) { return 0; }\n${GPL}`;

  it('a missing fentry/lsm/tp_btf target is a warning quoting libbpf; present ones are quiet; no facts, no findings', { skip: !facts && 'no kernel BTF' }, async () => {
    for (const section of ['fentry/no_such_fn_xyz', 'lsm/no_such_hook_xyz', 'tp_btf/no_such_tp_xyz']) {
      const [f] = of(await lint(prog(section), { kernel: true }), 'attach-target');
      assert.equal(f?.severity, 'warning', section);
      assert.match(f.message, /failed to find kernel BTF type ID of '\w+': -3/);
    }
    for (const section of ['fentry/vfs_read', 'lsm/file_open', 'tp_btf/sched_switch', 'raw_tp/sched_switch']) {
      assert.deepEqual(of(await lint(prog(section), { kernel: true }), 'attach-target'), [], section);
    }
    assert.deepEqual(of(await lint(prog('fentry/no_such_fn_xyz')), 'attach-target'), []);
  });

  it('a kprobe on a function a stable hook covers is an info naming it; sys_X without the arch prefix says ksyscall', { skip: !facts && 'no kernel BTF' }, async () => {
    const [f] = of(await lint(prog('kprobe/do_unlinkat'), { kernel: true }), 'attach-target');
    assert.equal(f.severity, 'info');
    assert.match(f.message, /lsm\/path_unlink/);
    if (facts!.hasFunction('__x64_sys_execve')) {
      assert.match(of(await lint(prog('kprobe/sys_execve'), { kernel: true }), 'attach-target')[0].message, /ksyscall\/execve/);
    }
  });
});

describe('modern-hints', () => {
  it('bpf_get_current_task, perf buffers, #pragma unroll and long BPF_CORE_READ chains: infos, with a fix where mechanical', async () => {
    const text = `${HEAD}#include <bpf/bpf_core_read.h>\nstruct { __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY); } ev SEC(".maps");\n` +
      'SEC("kprobe/x")\nint p(void *ctx)\n{\n\tstruct task_struct *t = (void *)bpf_get_current_task();\n\tint v = BPF_CORE_READ(t, real_parent, real_parent, tgid);\n' +
      '#pragma unroll\n\tfor (int i = 0; i < 4; i++)\n\t\tv++;\n\tbpf_perf_event_output(ctx, &ev, 0, &v, sizeof(v));\n\treturn 0;\n}\n' + GPL;
    const hints = of(await lint(text), 'modern-hints');
    assert.deepEqual(hints.map((h) => h.severity), ['info', 'info', 'info', 'info']);
    assert.deepEqual(hints.map((h) => h.range.start.line).sort((a, b) => a - b),
      ['bpf_get_current_task', 'BPF_CORE_READ', '#pragma unroll', 'bpf_perf_event_output'].map((n) => lineOf(text, n)));
    assert.match(preferredFix(text, hints.find((h) => /current_task/.test(h.message))!), /\(void \*\)bpf_get_current_task_btf\(\)/);
  });
});

describe('suppression comments and severity overrides', () => {
  const text = `${HEAD}SEC("xdp")\nint p(struct xdp_md *ctx)\n{\n\tchar b[4];\n\tbpf_skb_load_bytes(ctx, 0, b, 4);\n\tbpf_printk("x");\n\treturn 0;\n}\n` +
    'char LICENSE[] SEC("license") = "MIT";\n';
  const rules = (fs: Finding[]) => fs.map((f) => `${f.rule}:${f.severity}`).sort();

  it('disable-next-line and disable-line silence the named rules on that line only; no name silences all', async () => {
    assert.deepEqual(rules(await lint(text)), ['gpl-helper:error', 'helper-prog-type:error']);
    const next = text.replace('\tbpf_skb_load_bytes', '\t// ebpf-lint-disable-next-line helper-prog-type, probe-read\n\tbpf_skb_load_bytes');
    assert.deepEqual(rules(await lint(next)), ['gpl-helper:error']);
    const same = text.replace('bpf_printk("x");', 'bpf_printk("x"); /* ebpf-lint-disable-line gpl-helper */');
    assert.deepEqual(rules(await lint(same)), ['helper-prog-type:error']);
    const all = text.replace('\tbpf_skb_load_bytes', '\t// ebpf-lint-disable-next-line\n\tbpf_skb_load_bytes');
    assert.deepEqual(rules(await lint(all)), ['gpl-helper:error']);
    const why = text.replace('\tbpf_printk', '\t// ebpf-lint-disable-next-line gpl-helper -- MIT on purpose, printk only in debug builds\n\tbpf_printk');
    assert.deepEqual(rules(await lint(why)), ['helper-prog-type:error']);
    const allWhy = text.replace('\tbpf_printk', '\t// ebpf-lint-disable-next-line -- debug only\n\tbpf_printk');
    assert.deepEqual(rules(await lint(allWhy)), ['helper-prog-type:error']);
  });

  it('applies to the layout rules too', async () => {
    const padded = `${HEAD}struct k { __u8 a; __u32 b; };\nstruct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__uint(max_entries, 4);\n` +
      '\t__type(key, struct k); // ebpf-lint-disable-line\n\t__type(value, __u32);\n} m SEC(".maps");\n';
    const before = (await lint(padded.replace(' // ebpf-lint-disable-line', ''))).filter((f) => f.rule === 'c-map-key-padding');
    assert.ok(before.length > 0, 'the padded key is flagged without the comment');
    const keyLine = before[0].range.start.line;
    const after = (await lint(padded.replace('\t__type(key, struct k); // ebpf-lint-disable-line', '\t__type(key, struct k);')
      .split('\n').map((l, i) => (i === keyLine ? `${l} // ebpf-lint-disable-line c-map-key-padding` : l)).join('\n')));
    assert.deepEqual(after.filter((f) => f.rule === 'c-map-key-padding'), []);
  });

  it('overrides turn a rule off, lower or raise it', async () => {
    const a = new SourceAnalyzer();
    a.severityOverrides = { 'helper-prog-type': 'off', 'gpl-helper': 'warning' };
    assert.deepEqual(rules((await a.analyze('c', text)).findings), ['gpl-helper:warning']);
  });
});
