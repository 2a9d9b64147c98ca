import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLayoutEngine } from '../../core/layout/c-layout';
import { lintCModel } from '../../core/rules/lint-c';
import { cStructUses } from '../../core/source/c-usage';
import { cModel } from '../support/c-model';

const STRUCTS = 'struct k { __u8 a; __u32 b; };\nstruct event { __u64 ts; __u32 pid; };\n';

describe('finding the C structs that cross into maps and user space', () => {
  it('__uint(key_size|value_size, sizeof(...)) names the key and value types', async () => {
    const m = await cModel(`${STRUCTS}struct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__uint(key_size, sizeof(struct k));\n\t__uint(value_size, sizeof(__u64));\n} sized SEC(".maps");\n`);
    assert.deepEqual(m.maps.map((x) => [x.name, x.mapType, x.keyText, x.valueText]), [['sized', 'BPF_MAP_TYPE_HASH', 'struct k', '__u64']]);
    assert.deepEqual(lintCModel(m).map((f) => [f.rule, f.range.start.line]), [['c-map-key-padding', 0]]);
  });

  it('legacy struct bpf_map_def and iproute2 bpf_elf_map, with SEC before or after the name', async () => {
    const m = await cModel(`${STRUCTS}struct bpf_map_def SEC("maps") legacy = {\n\t.type = BPF_MAP_TYPE_LRU_HASH,\n\t.key_size = sizeof(struct k),\n\t.value_size = sizeof(struct event),\n\t.max_entries = 64,\n};\n`
      + 'struct bpf_elf_map elf SEC("maps") = { .type = BPF_MAP_TYPE_HASH, .size_key = sizeof(struct k), .size_value = sizeof(__u32) };\n');
    assert.deepEqual(m.maps.map((x) => [x.name, x.mapType, x.keyText, x.valueText]),
      [['legacy', 'BPF_MAP_TYPE_LRU_HASH', 'struct k', 'struct event'], ['elf', 'BPF_MAP_TYPE_HASH', 'struct k', '__u32']]);
    assert.deepEqual(m.maps[0].keyRange?.start, { line: 4, character: 1 }); // at `.key_size = ...`
    const findings = lintCModel(m);
    assert.deepEqual(findings.map((f) => f.rule), ['c-map-key-padding', 'c-map-value-padding']); // one finding per struct, not per map
    assert.match(findings[0].message, /struct k is the key of hash maps 'legacy', 'elf' but has 3 padding bytes/);
    assert.equal(findings[0].related?.length, 2);
  });

  it('ring buffer and perf buffer output helpers: by sizeof(type), sizeof(*ptr), sizeof(var) and &var, locals and parameters', async () => {
    const m = await cModel(`${STRUCTS}struct other { __u32 x; };\n`
      + 'int a(void *ctx) {\n\tstruct event *e = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);\n\treturn 0;\n}\n'
      + 'int b(void *ctx) {\n\tstruct event ev = {};\n\tbpf_perf_event_output(ctx, &perf, BPF_F_CURRENT_CPU, &ev, sizeof(ev));\n\treturn 0;\n}\n'
      + 'static int c(struct other *o) {\n\treturn bpf_ringbuf_output(&rb, o, 4, 0);\n}\n'
      + 'int d(void *ctx) {\n\treturn bpf_ringbuf_output(&rb, 0, sizeof(struct k), 0);\n}\n');
    const events = cStructUses(m).filter((u) => u.role === 'event');
    assert.deepEqual(events.map((u) => [u.type.kind === 'record' ? u.type.name : '?', u.range.start.line]), [['event', 4], ['event', 9], ['other', 13], ['k', 16]]);
    assert.match(events[0].why, /^sent to user space by bpf_ringbuf_reserve\(&rb, sizeof\(\*e\), 0\)$/);
    const value = lintCModel(m).filter((f) => f.rule === 'c-map-value-padding');
    assert.deepEqual(value.map((f) => f.range.start.line), [1, 0]); // struct event, struct k (each once)
    assert.match(value[0].message, /struct event is sent to user space by bpf_ringbuf_reserve/);
  });

  it('a variable of the same name in another function does not leak its type', async () => {
    const m = await cModel(`${STRUCTS}int a(void) {\n\tstruct k *e = 0;\n\treturn 0;\n}\nint b(void) {\n\treturn bpf_ringbuf_output(&rb, e, 8, 0);\n}\n`);
    assert.deepEqual(m.events, []);
  });

  it('bitfields written without spaces (`a:3`) are bitfields', async () => {
    const m = await cModel('struct bf { __u8 a:3, b: 5; __u32 c; };\n');
    const out = new CLayoutEngine(m).structLayout(m.records[0]);
    assert.ok(out.ok);
    assert.deepEqual(out.value.fields.map((f) => [f.name, f.bitOffset, f.bitSize]), [['a', 0, 3], ['b', 3, 5], ['c', undefined, undefined]]);
  });

  it("a map of maps: the outer map's type and key, not its inner map's", async () => {
    const model = await cModel('struct inner_key { __u8 a; __u32 b; };\nstruct {\n\t__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);\n\t__type(key, __u32);\n'
      + '\t__array(values, struct {\n\t\t__uint(type, BPF_MAP_TYPE_HASH);\n\t\t__type(key, struct inner_key);\n\t\t__type(value, __u64);\n\t});\n} outer SEC(".maps");\n');
    assert.deepEqual(model.maps.map((m) => [m.name, m.mapType, m.keyText, m.valueText]), [['outer', 'BPF_MAP_TYPE_HASH_OF_MAPS', '__u32', null]]);
    assert.deepEqual(model.maps[0].keyRange?.start, { line: 3, character: 1 });
  });
});

