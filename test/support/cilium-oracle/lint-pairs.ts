import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SourceAnalyzer } from '../../../core/analyze/analyze-source';
import type { Finding } from '../../../core/rules/finding';
import type { Pair } from './pair-model';
import { cLintPath, cPairSource, goLintFiles } from './pair-sources';

/** The rules whose job is to say a Go type does not marshal to its C struct's bytes. */
export const GO_RULES = new Set(['go-implicit-padding', 'go-not-fixed-size', 'go-unexported-field', 'go-c-mismatch']);

export interface PairLint {
  /** go-* warnings and errors on the pair's own Go types. */
  flags: Finding[];
  /** go-* infos on them (not a flag: lint passes), and findings on other types (bpf2go's handle structs). */
  infos: Finding[];
  elsewhere: Finding[];
  files: { c: string; go: string[] };
}

/** Line spans of `type X struct { ... }` declarations in a Go source, by type name. */
function typeSpans(text: string): Map<string, [number, number]> {
  const lines = text.split('\n');
  const out = new Map<string, [number, number]>();
  lines.forEach((l, i) => {
    const m = /^type (\w+) struct \{$/.exec(l);
    if (!m) return;
    let end = i;
    while (end < lines.length && lines[end] !== '}') end++;
    out.set(m[1], [i, end]);
  });
  return out;
}

/**
 * Lint every pair the way a project is linted: each pair's C source and Go package on disk (a directory per pair),
 * the C sources learned first (as `lint` given them does), then each Go file that declares the pair's types analysed
 * with its package.
 */
export async function lintPairs(dir: string, pairs: Pair[]): Promise<Map<number, PairLint>> {
  const analyzer = new SourceAnalyzer();
  const placed = pairs.map((p) => {
    const pdir = path.join(dir, `p${p.id}`);
    mkdirSync(pdir, { recursive: true });
    const write = (name: string, text: string) => {
      const file = path.join(pdir, name);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    };
    const c = write(cLintPath(p), cPairSource(p));
    const go = goLintFiles(p).map((f) => ({ file: write(f.name, f.text), text: f.text })).filter((f) => f.file.endsWith('.go'));
    return { p, c, go };
  });
  // a module's C sources are for the analyzer to find from go.mod (bpf/ beside pkg/), as `lint pkg/types/types.go` would
  for (const { p, c } of placed) if (p.binding !== 'module') await analyzer.learnC(cPairSource(p), c);
  const out = new Map<number, PairLint>();
  for (const { p, c, go } of placed) {
    const decl = go[0];
    const { findings } = await analyzer.analyze('go', decl.text, { file: decl.file });
    const spans = typeSpans(decl.text);
    const own = (f: Finding) => p.goRecords.some((g) => {
      const s = spans.get(g.name);
      return s !== undefined && f.range.start.line >= s[0] - 2 && f.range.start.line <= s[1];
    });
    const goFindings = findings.filter((f) => GO_RULES.has(f.rule));
    out.set(p.id, {
      flags: goFindings.filter((f) => own(f) && f.severity !== 'info'),
      infos: goFindings.filter((f) => own(f) && f.severity === 'info'),
      elsewhere: goFindings.filter((f) => !own(f)),
      files: { c, go: go.map((g) => g.file) },
    });
  }
  return out;
}
