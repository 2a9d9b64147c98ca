import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SourceAnalyzer } from '../../core/analyze/analyze-source';
import { CLayoutEngine } from '../../core/layout/c-layout';
import { GoLayoutEngine } from '../../core/layout/go-layout';
import type { SourceLanguage } from '../../core/source/tree-sitter';
import { rng } from '../fuzz/log-mutator';
import { EXAMPLES, REPO } from '../support/paths';

/** Fragments that stress the masking, the constant evaluator and the extractor when typed in the wrong place. */
const NASTY = ['__uint(', '__type(key, ', ')', '{', '}', ';', 'SEC("', '" )', 'enum e : ', ' : 0;', '[LEN * (', '#define N (1 <<',
  'struct {', 'union {', '__attribute__((packed))', "'\\x", '/*', '*/', '\n', '0x', '1ULL << 200', 'type T struct {', '[N]', 'iota', '`'];

const C_SOURCES = [...readdirSync(EXAMPLES).map((f) => path.join(EXAMPLES, f)),
  ...readdirSync(path.join(REPO, 'test', 'programs')).filter((f) => /\.(c|h)$/.test(f)).map((f) => path.join(REPO, 'test', 'programs', f))];
const GO_SOURCE = 'package main\n\nimport (\n\t"encoding/binary"\n\t"github.com/cilium/ebpf"\n)\n\nconst N = 1 << 2\n\n//ebpf:struct key\ntype Key struct {\n\tProto uint8\n\tAddr  [N]uint32\n\tPort  int\n}\n\n'
  + 'type Value struct {\n\t_   structs.HostLayout\n\tPid uint32\n\tTs  uint64\n}\n\nfunc f(m *ebpf.Map, ks []Key) {\n\tvar v Value\n\tfor i := range ks {\n\t\t_ = m.Lookup(&ks[i], &v)\n\t\t_ = binary.Read(nil, binary.LittleEndian, &v)\n\t}\n}\n';

function mutate(text: string, r: () => number): string {
  let t = text;
  for (let n = 1 + Math.floor(r() * 4); n > 0; n--) {
    const at = Math.floor(r() * (t.length + 1));
    const roll = r();
    if (roll < 0.4) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(r() * 40)); // delete a run
    else if (roll < 0.8) t = t.slice(0, at) + NASTY[Math.floor(r() * NASTY.length)] + t.slice(at); // insert a nasty fragment
    else t = t.slice(0, at); // truncate
  }
  return t;
}

describe('source analysis under mutated C and Go sources', () => {
  it('1,200 mutations: no throw, every struct laid out or explained, and the kept document equals a fresh analysis', async () => {
    const r = rng(20261130);
    const keyed = new SourceAnalyzer();
    const fresh = new SourceAnalyzer();
    const corpus: [SourceLanguage, string][] = [...C_SOURCES.map((f): [SourceLanguage, string] => ['c', readFileSync(f, 'utf8')]), ['go', GO_SOURCE]];
    let laidOut = 0;
    let structs = 0;
    for (let i = 0; i < 1200; i++) {
      const [lang, base] = corpus[i % corpus.length];
      const text = mutate(base, r);
      const doc = `file:///fuzz-${i % corpus.length}.${lang}`;
      const a = await keyed.analyze(lang, text, { document: doc });
      const b = await fresh.analyze(lang, text);
      assert.deepEqual(a.findings.map((f) => [f.rule, f.range, f.message]), b.findings.map((f) => [f.rule, f.range, f.message]), `mutation ${i}`);
      if (a.cModel) {
        const engine = new CLayoutEngine(a.cModel);
        for (const rec of a.cModel.records) {
          structs++;
          const out = engine.structLayout(rec);
          if (out.ok) laidOut++;
          else assert.ok(out.reason.length > 0, `mutation ${i}: a layout failure says why`);
        }
      }
      if (a.goModel) {
        const engine = new GoLayoutEngine(a.goModel);
        for (const s of a.goModel.structs) {
          structs++;
          if (engine.structLayout(s).ok) laidOut++;
        }
      }
    }
    // the mutations leave most structs intact: the run exercised the layout engines, not only the parser
    assert.ok(structs > 400 && laidOut > structs / 2, `${laidOut} of ${structs} mutated structs laid out`);
  });
});
