import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLayoutUnknown } from '../../core/rules/c-layout-unknown';
import { checkMapKeyPadding } from '../../core/rules/c-map-key-padding';
import { checkMapValuePadding } from '../../core/rules/c-map-value-padding';
import { cModel } from '../support/c-model';

const KEY = 'struct key { __u8 proto; __u32 addr; };\n';
const MAP = 'struct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__type(key, struct key);\n\t__type(value, __u64);\n} flows SEC(".maps");\n';
const prog = (body: string, extra = '') => `${KEY}${MAP}${extra}SEC("xdp")\nint prog(struct xdp_md *ctx)\n{\n\t__u64 one = 1;\n${body}\n\treturn 2;\n}\n`;
const keyFinding = async (src: string) => {
  const findings = checkMapKeyPadding(await cModel(src));
  assert.equal(findings.length, 1, JSON.stringify(findings.map((f) => f.message)));
  return findings[0];
};

describe('c-map-key-padding follows how each use fills the key', () => {
  it('every use zeroed first (= {}, = {0}, memset before filling, = (struct key){}): an info that says so', async () => {
    for (const body of [
      '\tstruct key k = {};\n\tk.proto = 6;\n\tbpf_map_update_elem(&flows, &k, &one, BPF_ANY);',
      '\tstruct key k = {0};\n\tk.addr = ctx->rx_queue_index;\n\tbpf_map_lookup_elem(&flows, &k);',
      '\tstruct key k;\n\t__builtin_memset(&k, 0, sizeof(k));\n\tk.proto = 6;\n\tbpf_map_update_elem(&flows, &k, &one, BPF_ANY);',
      '\tstruct key k;\n\tk = (struct key){};\n\tbpf_map_delete_elem(&flows, &k);',
      // a copy of a zeroed key has its zeroes (clang copies the whole object)
      '\tstruct key a = {};\n\ta.proto = 6;\n\tstruct key k;\n\tk = a;\n\tbpf_map_delete_elem(&flows, &k);',
    ]) {
      const f = await keyFinding(prog(body));
      assert.equal(f.severity, 'info', body);
      assert.match(f.message, /Every use in this file zeroes it first \((a copy of a, which was )?(initialised with \{0?\}|zeroed by __builtin_memset)( at line \d+)?\), so the padding holds zeroes/, body);
    }
  });

  it('a use that can leave the padding unwritten is a warning naming it: member by member, designated, a copy', async () => {
    const cases: [string, RegExp][] = [
      ['\tstruct key k;\n\tk.proto = 6;\n\tk.addr = 1;\n\tbpf_map_update_elem(&flows, &k, &one, BPF_ANY);', /At line 14 its padding is left unwritten \(declared without an initialiser and filled member by member at line 11\)/],
      ['\tstruct key k = { .proto = 6, .addr = ctx->rx_queue_index };\n\tbpf_map_update_elem(&flows, &k, &one, BPF_ANY);', /a designated initialiser, which writes the members but not the padding/],
      ['\tstruct key a;\n\ta.proto = 6;\n\tstruct key k = a;\n\tbpf_map_update_elem(&flows, &k, &one, BPF_ANY);', /At line 14 its padding is left unwritten \(a copy of a, which carries that object's padding bytes at line 13\)/],
    ];
    for (const [body, why] of cases) {
      const f = await keyFinding(prog(body));
      assert.equal(f.severity, 'warning', body);
      assert.match(f.message, why);
      assert.ok(f.related?.some((r) => /here its padding is left unwritten/.test(r.message)));
    }
  });

  it('a key passed to a helper of the file is followed to the callers', async () => {
    const helper = 'static __always_inline void count(void *map, struct key *key)\n{\n\t__u64 one = 1;\n\tbpf_map_update_elem(map, key, &one, BPF_ANY);\n}\n';
    const zeroed = await keyFinding(prog('\tstruct key k = {};\n\tcount(&flows, &k);', helper));
    assert.equal(zeroed.severity, 'info');
    const designated = await keyFinding(prog('\tstruct key z = {};\n\tstruct key k = { .proto = 17 };\n\tcount(&flows, &z);\n\tcount(&flows, &k);', helper));
    assert.equal(designated.severity, 'warning');
    assert.match(designated.message, /designated initialiser/);
    // a parameter nothing in the file calls: not followed, so not a warning, and it says why
    const unfollowed = await keyFinding(prog('', helper));
    assert.equal(unfollowed.severity, 'info');
    assert.match(unfollowed.message, /cannot see how it is filled \('key' is a parameter/);
  });

  it('no helper call in the file: still a warning (user space may fill the keys), saying nothing shows them zeroed', async () => {
    const f = await keyFinding(`${KEY}${MAP}`);
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /No helper call in this file shows how the key is filled/);
  });
});

describe('c-map-value-padding for events sent to user space', () => {
  const EVENT = 'struct event { __u32 pid; __u64 ts; };\nstruct { __uint(type, BPF_MAP_TYPE_RINGBUF); } rb SEC(".maps");\n';
  const fn = (body: string) => `${EVENT}SEC("tp")\nint handle(void *ctx)\n{\n${body}\n\treturn 0;\n}\n`;
  const eventFinding = async (src: string) => {
    const findings = checkMapValuePadding(await cModel(src));
    assert.equal(findings.length, 1, JSON.stringify(findings.map((f) => f.message)));
    return findings[0];
  };

  it('a reservation filled member by member is a warning; memset after reserving, or a zeroed stack copy, an info', async () => {
    const reserved = await eventFinding(fn('\tstruct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);\n\tif (!e) return 0;\n\te->pid = 1;\n\tbpf_ringbuf_submit(e, 0);'));
    assert.equal(reserved.severity, 'warning');
    assert.match(reserved.message, /returned by bpf_ringbuf_reserve, whose memory still holds an earlier record's bytes.*Stale kernel bytes reach user space/);
    const memset = await eventFinding(fn('\tstruct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);\n\tif (!e) return 0;\n\t__builtin_memset(e, 0, sizeof(*e));\n\tbpf_ringbuf_submit(e, 0);'));
    assert.equal(memset.severity, 'info');
    const stack = await eventFinding(fn('\tstruct event e = {};\n\te.pid = 1;\n\tbpf_ringbuf_output(&rb, &e, sizeof(e), 0);'));
    assert.equal(stack.severity, 'info');
    assert.match(stack.message, /Every use in this file zeroes it first/);
  });

  it('events reserved through a wrapper (libbpf-tools compat.bpf.h reserve_buf) are events; other calls are not', async () => {
    const wrapper = 'static __always_inline void *reserve_buf(__u64 size)\n{\n\tstatic const int zero = 0;\n\tif (bpf_core_type_exists(struct bpf_ringbuf))\n\t\treturn bpf_ringbuf_reserve(&rb, size, 0);\n\treturn bpf_map_lookup_elem(&heap, &zero);\n}\n';
    const f = await eventFinding(wrapper + fn('\tstruct event *e = reserve_buf(sizeof(*e));\n\tif (!e) return 0;\n\te->pid = 1;\n\tsubmit_buf(ctx, e, sizeof(*e));'));
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /sent to user space by reserve_buf\(sizeof\(\*e\)\) \(reserve_buf reserves ring buffer space\).*reserved by reserve_buf\(\)/);
    // the wrapper may live in a header: the unit's functions decide
    const header = await cModel(wrapper);
    const main = await cModel(fn('\tstruct event *e = reserve_buf(sizeof(*e));\n\tif (!e) return 0;\n\te->pid = 1;'));
    main.headers = [header];
    assert.equal(checkMapValuePadding(main)[0]?.severity, 'warning');
    // a function that reserves nothing: its sizeof argument does not make an event
    assert.deepEqual(checkMapValuePadding(await cModel(fn('\tstruct event *e = alloc_thing(sizeof(*e));\n\tif (!e) return 0;'))), []);
  });

  it('a map value looked up and sent is not called stale (its bytes are what the map\'s writers stored)', async () => {
    const f = await eventFinding(fn('\tstruct event *e = bpf_map_lookup_elem(&values, &tid);\n\tif (!e) return 0;\n\tbpf_ringbuf_output(&rb, e, sizeof(*e), 0);'));
    assert.equal(f.severity, 'info');
  });

  it('advice about Go mirrors only when a Go type mirrors the struct; C terms otherwise', async () => {
    const src = fn('\tstruct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);\n\tif (!e) return 0;\n\te->pid = 1;');
    const cOnly = checkMapValuePadding(await cModel(src))[0];
    assert.doesNotMatch(cOnly.message, /Go|_ \[N\]byte/);
    assert.match(cOnly.message, /user space reading it \(with the same C struct\)/);
    const withGo = checkMapValuePadding(await cModel(src), { goMirrors: new Set(['event']) })[0];
    assert.match(withGo.message, /give the Go type that mirrors it the same holes as `_ \[N\]byte` fields/);
  });
});

describe('layout-unknown', () => {
  it('names each map key/value or event that cannot be laid out, and how to resolve it; silent for what was checked', async () => {
    const src = '#include <linux/if_ether.h>\nstruct l3_key { __u32 ifindex;\n#ifdef ETH_P_IPV6\n\t__u8 addr[16];\n#else\n\t__u8 addr[4];\n#endif\n\t__u16 proto;\n};\n'
      + 'struct rate_state { struct bpf_spin_lock lock; __u64 tokens; };\n'
      + 'struct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__type(key, struct l3_key);\n\t__type(value, struct rate_state);\n} m SEC(".maps");\n'
      + 'struct {\n\t__uint(type, BPF_MAP_TYPE_ARRAY);\n\t__type(key, __u32);\n\t__type(value, task_info_t);\n} tasks SEC(".maps");\n';
    const findings = checkLayoutUnknown(await cModel(src));
    assert.deepEqual(findings.map((f) => [f.rule, f.severity, f.range.start.line]), [['layout-unknown', 'info', 1], ['layout-unknown', 'info', 9], ['layout-unknown', 'info', 18]]);
    assert.match(findings[0].message, /^struct l3_key \(key of map 'm' .*\) was not laid out, so its padding was not checked: member 'addr' of struct l3_key depends on #ifdef ETH_P_IPV6: ETH_P_IPV6 may be defined in <linux\/if_ether.h>, which this tool did not read\. Give the macro as the build does \(lint -D NAME\[=VALUE\]/);
    assert.match(findings[1].message, /struct bpf_spin_lock is not defined in this file\. Point lint at the header that defines it \(-I DIR\), or build the object/);
    assert.match(findings[2].message, /^task_info_t \(value of map 'tasks'/);
    assert.deepEqual(checkLayoutUnknown(await cModel('struct k { __u32 a; };\n' + MAP.replace('struct key', 'struct k'))), []);
  });
});

describe('c-map-key-padding: keys this tool does not follow', () => {
  it('a key that is not a variable (&keys[i]) counts as a use that was not followed: an info, not "nothing uses it"', async () => {
    const findings = checkMapKeyPadding(await cModel(prog('\tstruct key keys[2] = {};\n\tbpf_map_update_elem(&flows, &keys[1], &one, BPF_ANY);')));
    assert.deepEqual(findings.map((f) => f.severity), ['info']);
    assert.match(findings[0].message, /cannot see how it is filled \(the key is &keys\[1\], which this tool does not follow\)/);
  });
});

describe('c-map-key-padding: keys zeroed by the file\'s helpers', () => {
  const maker = 'static __always_inline void make_key(struct key *out, __u32 addr)\n{\n\t__builtin_memset(out, 0, sizeof(*out));\n\tout->addr = addr;\n}\n'
    + 'static __always_inline void log_key(struct key *k)\n{\n}\n';
  it('a key passed to a function that memsets it is zeroed; one passed to a function that does not keeps its state', async () => {
    const zeroed = await keyFinding(prog('\tstruct key k;\n\tmake_key(&k, 1);\n\tbpf_map_update_elem(&flows, &k, &one, BPF_ANY);', maker));
    assert.equal(zeroed.severity, 'info');
    assert.match(zeroed.message, /zeroed by __builtin_memset in make_key\(\)/);
    const logged = await keyFinding(prog('\tstruct key k;\n\tk.proto = 6;\n\tlog_key(&k);\n\tbpf_map_update_elem(&flows, &k, &one, BPF_ANY);', maker));
    assert.equal(logged.severity, 'warning');
    assert.match(logged.message, /declared without an initialiser and filled member by member/);
  });
});

describe('c-map-key-padding: a pointer to a local key', () => {
  it('is the local, as it is where the pointer is used', async () => {
    const zeroed = await keyFinding(prog('\tstruct key k;\n\tstruct key *kp = &k;\n\t__builtin_memset(&k, 0, sizeof(k));\n\tbpf_map_update_elem(&flows, kp, &one, BPF_ANY);'));
    assert.equal(zeroed.severity, 'info');
    const filled = await keyFinding(prog('\tstruct key k;\n\tstruct key *kp = &k;\n\tkp->proto = 6;\n\tbpf_map_update_elem(&flows, kp, &one, BPF_ANY);'));
    assert.equal(filled.severity, 'warning');
  });
});

describe('c-map-value-padding for values stored with bpf_map_update_elem', () => {
  const VALUE = 'struct stat { __u64 total; __u32 count; };\nstruct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__type(key, __u32);\n\t__type(value, struct stat);\n} stats SEC(".maps");\n';
  const fn = (body: string) => `${VALUE}SEC("tp")\nint handle(void *ctx)\n{\n\t__u32 pid = 1;\n${body}\n\treturn 0;\n}\n`;
  it('a value filled member by member is a warning (user space reads its tail bytes); a zeroed one an info', async () => {
    const [filled] = checkMapValuePadding(await cModel(fn('\tstruct stat st;\n\tst.total = 1;\n\tst.count = 1;\n\tbpf_map_update_elem(&stats, &pid, &st, BPF_NOEXIST);')));
    assert.equal(filled.severity, 'warning');
    assert.match(filled.message, /is the value of map 'stats' and has padding \(4 bytes at offset 12 \(trailing\)\).*At line 14 its padding is left unwritten/);
    const [zeroed] = checkMapValuePadding(await cModel(fn('\tstruct stat st = {};\n\tst.count = 1;\n\tbpf_map_update_elem(&stats, &pid, &st, BPF_NOEXIST);')));
    assert.equal(zeroed.severity, 'info');
    // no update in the file: user space or another program writes it, as before
    assert.equal(checkMapValuePadding(await cModel(VALUE))[0].severity, 'info');
  });
});
