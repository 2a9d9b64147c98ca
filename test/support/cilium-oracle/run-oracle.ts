import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildBpfSource } from '../../../core/build/clang';
import { Btf } from '../../../core/btf/btf-reader';
import { ElfFile } from '../../../core/elf/elf-reader';
import { rng } from '../../fuzz/log-mutator';
import { runHarness, verdict, type HarnessCase, type HarnessResult } from './cilium-harness';
import { lintPairs, type PairLint } from './lint-pairs';
import { generatePairs } from './pair-generator';
import type { Pair } from './pair-model';
import { cObjectSource, cPairSource, goLintFiles } from './pair-sources';
import { assignValues, cBytesFromBtf } from './pair-values';

export interface OracleRecord {
  pair: Pair;
  works: boolean;
  why: string;
  result: HarnessResult;
  lint: PairLint;
}

export interface OracleRun { records: OracleRecord[]; ms: { generate: number; clang: number; goBuild: number; kernel: number; lint: number } }

/** Bytes the C side leaves in its holes when the value goes the other way: garbage a Go decoder must skip. */
const HOLE_GARBAGE = 0xa5;

/**
 * The whole oracle: generate the pairs, compile their C side with clang and read the layouts from the object's
 * BTF, put every Go value through cilium/ebpf into a real hash map (and the C bytes back out into Go), and lint
 * every pair with the project's rules.
 */
export async function runOracle(dir: string, perClass: number, seed: number): Promise<OracleRun> {
  const t0 = Date.now();
  const pairs = generatePairs(perClass, seed);
  const t1 = Date.now();
  mkdirSync(dir, { recursive: true });
  const source = path.join(dir, 'pairs.bpf.c');
  writeFileSync(source, cObjectSource(pairs));
  const { object } = await buildBpfSource(source, { outDir: dir });
  const elf = new ElfFile(readFileSync(object));
  const section = elf.section('.BTF');
  if (!section) throw new Error(`${object} has no .BTF section (was it built with -g?)`);
  const btf = new Btf(elf.data(section));
  const t2 = Date.now();
  const expected = new Map<number, { bytes: Buffer; covered: boolean[] }>();
  const cases: HarnessCase[] = pairs.map((pair) => {
    const value = assignValues(pair.c, rng(seed ^ (pair.id * 2654435761)));
    expected.set(pair.id, cBytesFromBtf(btf, pair.c.name, value, 0));
    const decodeInput = cBytesFromBtf(btf, pair.c.name, value, HOLE_GARBAGE).bytes;
    return { pair, value, size: decodeInput.length, cBytes: decodeInput };
  });
  const { results, buildMs, runMs } = runHarness(path.join(dir, 'go'), cases);
  const t3 = Date.now();
  const lints = await lintPairs(path.join(dir, 'lint'), pairs);
  const t4 = Date.now();
  const records = pairs.map((pair, i) => {
    const r = results[i];
    if (r.id !== pair.id) throw new Error(`the oracle's answer ${i} is for pair ${r.id}, not ${pair.id}`);
    const e = expected.get(pair.id)!;
    return { pair, ...verdict(r, e.bytes, e.covered, pair.putOnly), result: r, lint: lints.get(pair.id)! };
  });
  return { records, ms: { generate: t1 - t0, clang: t2 - t1, goBuild: buildMs, kernel: runMs, lint: t4 - t3 } };
}

/** A pair the rules got wrong, written up for the engineer who fixes the rules. */
export function describeMismatch(r: OracleRecord): string {
  const said = r.lint.flags.length > 0 ? r.lint.flags.map((f) => `${f.rule} (${f.severity}): ${f.message}`).join('\n  ') : 'nothing';
  const go = goLintFiles(r.pair).map((f) => `// ${f.name}\n${f.text}`).join('\n');
  return [`### pair ${r.pair.id}: class ${r.pair.klass}, binding ${r.pair.binding} (${r.pair.note})`,
    `- cilium/ebpf 0.9.1 + kernel: **${r.works ? 'works' : 'breaks'}**: ${r.why}`,
    `- go-* rules: ${r.lint.flags.length > 0 ? 'flagged' : 'silent'}:\n  ${said}`,
    '```c', cPairSource(r.pair).trim(), '```', '```go', go.trim(), '```', ''].join('\n');
}
