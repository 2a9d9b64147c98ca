import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { checkMapKeyPadding } from '../../core/rules/c-map-key-padding';
import { checkMapValuePadding } from '../../core/rules/c-map-value-padding';
import { cModel } from '../support/c-model';
import { EXAMPLES } from '../support/paths';

const mapWith = (type: string, key: string) => `struct {\n\t__uint(type, ${type});\n\t__type(key, ${key});\n\t__type(value, __u64);\n} m SEC(".maps");\n`;

describe('c-map-key-padding', () => {
  it('warns at the struct name of examples/padded_key.bpf.c, naming each hole', async () => {
    const text = readFileSync(path.join(EXAMPLES, 'padded_key.bpf.c'), 'utf8');
    const findings = checkMapKeyPadding(await cModel(text));
    assert.equal(findings.length, 1);
    const f = findings[0];
    const line = text.split('\n').findIndex((l) => l.startsWith('struct flow_key {'));
    assert.deepEqual(f.range.start, { line, character: 'struct '.length });
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /3 bytes at offset 1, 6 bytes at offset 10/);
    assert.match(f.message, /hash map 'flows'/);
  });

  it('is silent for a key without padding', async () => {
    const src = 'struct k { __u32 a; __u32 b; };\n' + mapWith('BPF_MAP_TYPE_HASH', 'struct k');
    assert.deepEqual(checkMapKeyPadding(await cModel(src)), []);
  });

  it('is silent for map types that do not hash the key (array)', async () => {
    const src = 'struct k { __u8 a; __u32 b; };\n' + mapWith('BPF_MAP_TYPE_ARRAY', 'struct k');
    assert.deepEqual(checkMapKeyPadding(await cModel(src)), []);
  });

  it('covers LRU hashes and typedef keys, and reports trailing padding', async () => {
    const src = 'typedef struct { __u64 a; __u8 b; } key_t;\n' + mapWith('BPF_MAP_TYPE_LRU_HASH', 'key_t');
    const [f] = checkMapKeyPadding(await cModel(src));
    assert.ok(f);
    assert.match(f.message, /7 bytes at offset 9 \(trailing\)/);
  });

  it('covers LPM trie keys, whose bytes are compared up to the prefix length', async () => {
    const src = 'struct lpm_key { __u32 prefixlen; __u8 proto; __u32 addr; };\n' + mapWith('BPF_MAP_TYPE_LPM_TRIE', 'struct lpm_key');
    const [f] = checkMapKeyPadding(await cModel(src));
    assert.match(f.message, /^struct lpm_key is the key of LPM trie 'm' but has 3 padding bytes .* An LPM trie compares the key's bytes up to the prefix length/);
  });

  it('says nothing about a key struct this file does not define (no guessing)', async () => {
    assert.deepEqual(checkMapKeyPadding(await cModel(mapWith('BPF_MAP_TYPE_HASH', 'struct elsewhere'))), []);
  });
});

describe('c-map-value-padding', () => {
  it('is an info finding at a padded value struct, silent for a packed-tight one', async () => {
    const src = 'struct v { __u64 ts; __u32 pid; };\nstruct {\n\t__uint(type, BPF_MAP_TYPE_ARRAY);\n\t__type(key, __u32);\n\t__type(value, struct v);\n} vals SEC(".maps");\n';
    const [f, ...rest] = checkMapValuePadding(await cModel(src));
    assert.deepEqual(rest, []);
    assert.deepEqual([f.rule, f.severity, f.range.start.line], ['c-map-value-padding', 'info', 0]);
    assert.match(f.message, /value of map 'vals' and has padding \(4 bytes at offset 12 \(trailing\)\)/);
    assert.deepEqual(checkMapValuePadding(await cModel(src.replace('__u32 pid;', '__u32 pid; __u32 tid;'))), []);
  });
});
