import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { expectMarked as expectFlowMarks, lintFlow, where } from './unsafe-flow-support';

/**
 * The engine's path shapes: each case is a small program; `/*! RULE *\/` marks a line the rule must flag, and no other
 * flow finding may appear. Cases without a marker must lint clean (the precision side).
 */
const HEAD = `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct val { __u64 n; __u64 slots[16]; };
struct key { __u8 proto; __u32 addr; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, __u32); __type(value, struct val); } m SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, struct key); __type(value, __u64); } km SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 8); __type(key, __u32); __type(value, __u64); } arr SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } rb SEC(".maps");
`;

const expectMarked = (body: string) => expectFlowMarks(HEAD + body);

const prog = (body: string, extra = '') => `${extra}
SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u32 k = ctx->ingress_ifindex;
${body}
	return XDP_PASS;
}
`;

describe('flow engine: NULL checks along paths', () => {
  const cases: Record<string, string> = {
    'early return': prog('\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\tif (!v)\n\t\treturn XDP_PASS;\n\tv->n++;'),
    'goto out': prog('\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\tif (v == NULL)\n\t\tgoto out;\n\tv->n++;\nout:\n\tk++;'),
    'if block': prog('\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\tif (v) {\n\t\tv->n++;\n\t}'),
    '&& short-circuit': prog('\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\tif (v && v->n > 3)\n\t\treturn XDP_DROP;'),
    '|| short-circuit': prog('\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\tif (!v || v->n > 3)\n\t\treturn XDP_DROP;\n\tv->n = 0;'),
    ternary: prog('\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\t__u64 n = v ? v->n : 0;\n\tif (n)\n\t\treturn XDP_DROP;'),
    'assignment in the condition': prog('\tstruct val *v;\n\tif ((v = bpf_map_lookup_elem(&m, &k)) == NULL)\n\t\treturn XDP_PASS;\n\tv->n++;'),
    'unlikely()': prog('\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\tif (unlikely(!v))\n\t\treturn XDP_PASS;\n\tv->n++;'),
    'checked through an alias': prog('\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\tstruct val *w = v;\n\tif (!w)\n\t\treturn XDP_PASS;\n\tv->n++;'),
    'loop with continue': prog('\tfor (int i = 0; i < 4; i++) {\n\t\tk = i;\n\t\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\t\tif (!v)\n\t\t\tcontinue;\n\t\tv->n++;\n\t}'),
    'switch, every case checks': prog('\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\tswitch (k) {\n\tcase 1:\n\t\tif (!v) return XDP_PASS;\n\t\tv->n = 1;\n\t\tbreak;\n\tdefault:\n\t\tbreak;\n\t}'),
    'lost track: the check is stored in a flag': prog('\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\tint ok = v != NULL;\n\tif (!ok)\n\t\treturn XDP_PASS;\n\tv->n++;'),
    'lost track: a backward goto': prog('\tstruct val *v;\nagain:\n\tv = bpf_map_lookup_elem(&m, &k);\n\tif (k++ < 3)\n\t\tgoto again;\n\tv->n++;'),
    'unchecked dereference': prog('\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\tv->n++; /*! null-check */'),
    'checked on one branch only': prog('\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\tif (k > 3) {\n\t\tif (!v)\n\t\t\treturn XDP_PASS;\n\t\tv->n = 1;\n\t}\n\tv->n++; /*! null-check */'),
    'in a loop, unchecked': prog('\tfor (int i = 0; i < 4; i++) {\n\t\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\t\tv->n += i; /*! null-check */\n\t}'),
    'switch, the default path unchecked': prog('\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\tswitch (k) {\n\tcase 1:\n\t\tif (!v) return XDP_PASS;\n\t\tbreak;\n\tdefault:\n\t\tk = 2;\n\t}\n\tv->n = k; /*! null-check */'),
    'passed to a helper that wants non-NULL': prog('\t__u64 *c = bpf_map_lookup_elem(&arr, &k);\n\t__sync_fetch_and_add(c, 1); /*! null-check */'),
    'a static callee dereferences it': prog('\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\tbump(v); /*! null-check */',
      'static __attribute__((noinline)) int bump(struct val *v) { v->n++; return 0; }'),
    'a static callee checks it': prog('\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\tbump(v);',
      'static __attribute__((noinline)) int bump(struct val *v) { if (!v) return 0; v->n++; return 0; }'),
    'a global function dereferences its argument': prog('\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\tif (v)\n\t\tbump(v);',
      '__attribute__((noinline)) int bump(struct val *v)\n{\n\tv->n++; /*! null-check */\n\treturn 0;\n}'),
    'a global function with a kernel-typed argument: not judged': prog('\tk = peek(0);', '__attribute__((noinline)) int peek(struct task_struct *t) { return t->pid; }'),
    'a static __always_inline helper is static (tree-sitter splits its head)': prog('\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\tif (v)\n\t\tbump(v);',
      '// not a static function in a comment\nstatic __always_inline int bump(struct val *v) { v->n++; return 0; }'),
    'a comment saying static does not make a global function static': prog('\tk = 1;', '/* static */\n__attribute__((noinline)) int bump(struct val *v)\n{\n\tv->n++; /*! null-check */\n\treturn 0;\n}'),
    'a global function checks its argument': prog('\tbump(0);', '__attribute__((noinline)) int bump(struct val *v) { if (!v) return 0; v->n++; return 0; }'),
    'checked by a static helper (clang inlines the test)': prog('\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\tif (!valid(v))\n\t\treturn XDP_PASS;\n\tv->n++;',
      'static __always_inline int valid(struct val *v) { return v != NULL; }'),
    'returned by a static getter, dereferenced unchecked': prog('\tstruct val *v = get(k);\n\tv->n++; /*! null-check */',
      'static __always_inline struct val *get(__u32 k) { return bpf_map_lookup_elem(&m, &k); }'),
    'returned by a static getter, checked': prog('\tstruct val *v = get(k);\n\tif (!v)\n\t\treturn XDP_PASS;\n\tv->n++;',
      'static __always_inline struct val *get(__u32 k) { struct val *v = bpf_map_lookup_elem(&m, &k); if (v) return v; return bpf_map_lookup_elem(&m, &k); }'),
    'ring buffer record written unchecked': prog('\t__u64 *e = bpf_ringbuf_reserve(&rb, 8, 0);\n\t*e = k; /*! null-check */\n\tbpf_ringbuf_submit(e, 0);'),
  };
  for (const [name, body] of Object.entries(cases)) it(name, () => expectMarked(body));

  it('an array map looked up with a constant key is a warning (newer kernels know the value exists), other lookups an error', async () => {
    const fs = await lintFlow(HEAD + prog('\t__u32 z = 0;\n\t__u64 *c = bpf_map_lookup_elem(&arr, &z);\n\t*c += 1;\n\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\tv->n++;'));
    assert.deepEqual(fs.map((f) => f.severity), ['warning', 'error']);
    assert.match(fs[0].message, /6\.14/);
  });
});

describe('flow engine: packet bounds along paths', () => {
  const pkt = (body: string) => prog(`\tvoid *data = (void *)(long)ctx->data;\n\tvoid *data_end = (void *)(long)ctx->data_end;\n\tstruct ethhdr *eth = data;\n\tstruct iphdr *ip;\n${body}`);
  const cases: Record<string, string> = {
    'the whole header checked': pkt('\tif ((void *)(eth + 1) > data_end)\n\t\treturn XDP_PASS;\n\tif (eth->h_proto == 8)\n\t\treturn XDP_DROP;'),
    'checked with sizeof': pkt('\tif (data + sizeof(*eth) > data_end)\n\t\treturn XDP_PASS;\n\tk = eth->h_proto;'),
    'checked the other way round': pkt('\tif (data_end >= data + 14) {\n\t\tk = eth->h_proto;\n\t}'),
    'next header checked too': pkt('\tif ((void *)(eth + 1) > data_end)\n\t\treturn XDP_PASS;\n\tip = (void *)(eth + 1);\n\tif ((void *)(ip + 1) > data_end)\n\t\treturn XDP_PASS;\n\tk = ip->protocol;'),
    'after a helper that moves the packet: not followed': pkt('\tbpf_xdp_adjust_head(ctx, 0);\n\tk = eth->h_proto;'),
    'checked by an inlined static parser': prog('\tvoid *data = (void *)(long)ctx->data;\n\tvoid *data_end = (void *)(long)ctx->data_end;\n\tstruct ethhdr *eth = data;\n\tif (parse(data, data_end) < 0)\n\t\treturn XDP_PASS;\n\tk = eth->h_proto;',
      'static __always_inline int parse(void *data, void *data_end) { if (data + 14 > data_end) return -1; return 0; }'),
    'an unchecked read inside a static parser': prog('\tk = parse((void *)(long)ctx->data, (void *)(long)ctx->data_end);',
      'static __always_inline int parse(void *data, void *data_end)\n{\n\tstruct ethhdr *eth = data;\n\treturn eth->h_proto; /*! packet-bounds */\n}'),
    'checked one byte, read h_proto': pkt('\tif (data + 1 > data_end)\n\t\treturn XDP_PASS;\n\tk = eth->h_proto; /*! packet-bounds */'),
    'not checked at all': pkt('\tk = eth->h_proto; /*! packet-bounds */'),
    'checked the Ethernet header, read the IP one': pkt('\tif ((void *)(eth + 1) > data_end)\n\t\treturn XDP_PASS;\n\tip = (void *)(eth + 1);\n\tk = ip->protocol; /*! packet-bounds */'),
    'checked on one branch only': pkt('\tif (k > 3 && (void *)(eth + 1) > data_end)\n\t\treturn XDP_PASS;\n\tk = eth->h_proto; /*! packet-bounds */'),
  };
  for (const [name, body] of Object.entries(cases)) it(name, () => expectMarked(body.replace('#include <linux/bpf.h>', '')));
});

describe('flow engine: references along paths', () => {
  const cases: Record<string, string> = {
    'submitted on every path': prog('\t__u64 *e = bpf_ringbuf_reserve(&rb, 8, 0);\n\tif (!e)\n\t\treturn XDP_PASS;\n\tif (k > 3) {\n\t\tbpf_ringbuf_discard(e, 0);\n\t\treturn XDP_DROP;\n\t}\n\t*e = k;\n\tbpf_ringbuf_submit(e, 0);'),
    'released by a static callee': prog('\t__u64 *e = bpf_ringbuf_reserve(&rb, 8, 0);\n\tif (!e)\n\t\treturn XDP_PASS;\n\tsend(e);',
      'static __attribute__((noinline)) void send(__u64 *e) { *e = 1; bpf_ringbuf_submit(e, 0); }'),
    'handed to a function the engine cannot see: not followed': prog('\t__u64 *e = bpf_ringbuf_reserve(&rb, 8, 0);\n\tif (!e)\n\t\treturn XDP_PASS;\n\tsomewhere(e);', 'extern void somewhere(void *p);'),
    'dynptr discarded on failure too': prog('\tstruct bpf_dynptr d;\n\tif (bpf_ringbuf_reserve_dynptr(&rb, 8, 0, &d)) {\n\t\tbpf_ringbuf_discard_dynptr(&d, 0);\n\t\treturn XDP_PASS;\n\t}\n\tbpf_ringbuf_submit_dynptr(&d, 0);'),
    'released by a static callee on some paths only: not judged': prog('\t__u64 *e = bpf_ringbuf_reserve(&rb, 8, 0);\n\tif (!e)\n\t\treturn XDP_PASS;\n\tif (!maybe_send(e, k))\n\t\tbpf_ringbuf_discard(e, 0);',
      'static __attribute__((noinline)) int maybe_send(__u64 *e, __u32 k) { if (k > 3) { bpf_ringbuf_submit(e, 0); return 1; } return 0; }'),
    'an early return keeps the record': prog('\t__u64 *e = bpf_ringbuf_reserve(&rb, 8, 0);\n\tif (!e)\n\t\treturn XDP_PASS;\n\tif (k > 3)\n\t\treturn XDP_DROP; /*! reference-leak */\n\tbpf_ringbuf_submit(e, 0);'),
    'dynptr not discarded when the reserve failed': prog('\tstruct bpf_dynptr d;\n\tif (bpf_ringbuf_reserve_dynptr(&rb, 8, 0, &d))\n\t\treturn XDP_PASS; /*! reference-leak */\n\tbpf_ringbuf_submit_dynptr(&d, 0);'),
  };
  for (const [name, body] of Object.entries(cases)) it(name, () => expectMarked(body));
});

describe('flow engine: stack bytes a helper reads', () => {
  const cases: Record<string, string> = {
    'zero-initialised': prog('\tstruct key kk = {};\n\t__u64 one = 1;\n\tkk.proto = 6;\n\tbpf_map_update_elem(&km, &kk, &one, BPF_ANY);'),
    'memset first': prog('\tstruct key kk;\n\t__u64 one = 1;\n\t__builtin_memset(&kk, 0, sizeof(kk));\n\tkk.proto = 6;\n\tbpf_map_update_elem(&km, &kk, &one, BPF_ANY);'),
    'a scalar assigned before': prog('\t__u32 j;\n\tj = k + 1;\n\tbpf_map_lookup_elem(&m, &j);'),
    'written by a helper': prog('\tstruct key kk;\n\t__u64 one = 1;\n\tbpf_probe_read_kernel(&kk, sizeof(kk), (void *)0);\n\tbpf_map_update_elem(&km, &kk, &one, BPF_ANY);'),
    'written through a pointer: not followed': prog('\tstruct key kk;\n\tstruct key *kp = &kk;\n\t__u64 one = 1;\n\tkp->proto = 1;\n\tkp->addr = 2;\n\tbpf_map_update_elem(&km, &kk, &one, BPF_ANY);'),
    'padding left unwritten': prog('\tstruct key kk;\n\t__u64 one = 1;\n\tkk.proto = 6;\n\tkk.addr = k;\n\tbpf_map_update_elem(&km, &kk, &one, BPF_ANY); /*! uninit-stack-helper */'),
    'a copy after a label with a comment': prog('\tstruct key kk = {};\n\tstruct key cp;\n\t__u64 one = 1;\n\tif (k > 3)\n\t\tgoto out;\n\tkk.proto = 6;\nout:\n\t/* the label\'s statement follows a comment */\n\tcp = kk;\n\tbpf_map_update_elem(&km, &cp, &one, BPF_ANY);'),
    'a scalar written on one branch only': prog('\t__u32 j;\n\tif (k > 3)\n\t\tj = 1;\n\tbpf_map_lookup_elem(&m, &j); /*! uninit-stack-helper */'),
  };
  for (const [name, body] of Object.entries(cases)) it(name, () => expectMarked(body));
});

describe('flow engine: loops and indexes', () => {
  const withVal = (body: string) => prog(`\tstruct val *v = bpf_map_lookup_elem(&m, &k);\n\t__u64 buf[16] = {};\n\tif (!v)\n\t\treturn XDP_PASS;\n\t__u32 n = v->n;\n${body}`);
  const cases: Record<string, string> = {
    'a constant bound': withVal('\tfor (__u32 i = 0; i < 16; i++)\n\t\tv->slots[i] = i;'),
    'a clamped bound': withVal('\tif (n > 16)\n\t\tn = 16;\n\tfor (__u32 i = 0; i < n; i++)\n\t\tv->slots[i & 15] = i;'),
    'a bound and a break': withVal('\tfor (__u32 i = 0; i < n; i++) {\n\t\tif (i >= 16)\n\t\t\tbreak;\n\t\tv->n += i;\n\t}'),
    'bpf_for': withVal('\tbpf_for(i, 0, 16) {\n\t\tv->slots[i] = i;\n\t}'),
    'an index checked first': withVal('\tif (n >= 16)\n\t\treturn XDP_PASS;\n\tbuf[n] = 1;\n\tv->slots[n] = buf[3];'),
    'an index masked': withVal('\tn &= 15;\n\tv->slots[n] = 1;'),
    'a small #pragma unroll': withVal('#pragma unroll\n\tfor (int i = 0; i < 16; i++)\n\t\tv->slots[i] = i;'),
    'an unclamped bound over plain arithmetic clang may fold: not judged': withVal('\t__u64 sum = 0;\n\tfor (__u32 i = 0; i < n; i++)\n\t\tsum += 3;\n\tv->n = sum;'),
    'an unclamped bound from a map value': withVal('\tfor (__u32 i = 0; i < n; i++) /*! unbounded-loop */\n\t\tv->n += i;'),
    'an unchecked index into a map value array': withVal('\tv->slots[n] = 1; /*! variable-offset */'),
    'an unchecked index into a stack buffer': withVal('\tbuf[n] = 1; /*! variable-offset */\n\tv->n = buf[2];'),
    'a huge #pragma unroll': withVal('#pragma unroll /*! unbounded-loop */\n\tfor (int i = 0; i < 5000; i++)\n\t\tv->n += i;'),
  };
  for (const [name, body] of Object.entries(cases)) it(name, () => expectMarked(body));

  it('a u8 index cannot pass a 256-entry buffer', () => expectMarked(prog('\t__u8 small = bpf_get_prandom_u32();\n\t__u8 b[256] = {};\n\tb[small] = 1;\n\tbpf_map_lookup_elem(&m, &b[4]);')));
});

describe('flow engine: combined stack', () => {
  const frame = (name: string, size: number, call = '') => `static __attribute__((noinline)) __u64 ${name}(__u32 s)\n{\n\t__u64 b[${size / 8}];\n\tfor (int i = 0; i < ${size / 8}; i++)\n\t\tb[i] = s + i${call ? ` + ${call}(s)` : ''};\n\treturn b[s & 7];\n}\n`;
  it('three noinline frames over 512 bytes', () => expectMarked(`${frame('leaf', 192)}${frame('mid', 192, 'leaf')}
SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u64 b[24]; /*! stack-size */
	for (int i = 0; i < 24; i++)
		b[i] = mid(i);
	return b[ctx->rx_queue_index & 7];
}
`));
  it('the same frames under 512 bytes, and constant-indexed arrays clang may keep in registers', () => expectMarked(`${frame('leaf', 128)}${frame('mid', 128, 'leaf')}
SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u64 b[16];
	__u64 consts[64];
	consts[0] = 1;
	for (int i = 0; i < 16; i++)
		b[i] = mid(i) + consts[0];
	return b[ctx->rx_queue_index & 7];
}
`));
});

describe('flow engine: after an edit', () => {
  const two = (aBody: string) => `${HEAD}
SEC("xdp")
int a(struct xdp_md *ctx)
{
	__u32 k = 1;
	struct val *v = bpf_map_lookup_elem(&m, &k);
${aBody}
	return XDP_PASS;
}

SEC("xdp")
int b(struct xdp_md *ctx)
{
	__u32 k = 2;
	struct val *v = bpf_map_lookup_elem(&m, &k);
	v->n++;
	return XDP_PASS;
}
`;
  it('a program found clean is skipped only while its text and the file around it are unchanged', async () => {
    const clean = two('\tif (v)\n\t\tv->n++;');
    assert.deepEqual(where(await lintFlow(clean)).map((w) => w.split('@')[0]), ['null-check']);
    assert.deepEqual(where(await lintFlow(clean)).length, 1, 'the second lint of the same text says the same');
    const broken = two('\tv->n++;');
    assert.equal(where(await lintFlow(broken)).length, 2, 'the edited program is analysed again');
    // the same clean program text, but the map it reads is now an array with a constant key: the context changed
    const context = clean.replace('__type(value, struct val); } m SEC', '__type(value, struct val); __uint(map_flags, 0); } m SEC');
    assert.equal(where(await lintFlow(context)).length, 1);
  });
});
