import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { Node } from 'web-tree-sitter';
import { SeededRandom } from '../../bench/seeded-random';
import type { ObjectReport } from '../../core/verify/report';
import { MAY_RETURN_NULL, RELEASES } from '../../core/rules/unsafe/flow/helpers';
import { createParser, parseSource } from '../../core/source/tree-sitter';
import { REPO } from '../support/paths';
import { runCli } from '../support/run-cli';
import { lintFlow } from '../unit/unsafe-flow-support';

/**
 * Mutation test (issue 13): take correct programs, delete one NULL check, bounds check, submit/release or memset,
 * verify the mutant in the kernel; where the kernel rejects it, the rule for that kind of check must flag it.
 * Seeded, and capped at MUTANTS (env MUTANTS, MUTATION_SEED to explore) so it runs in a couple of minutes. The share is printed; the floor asserted below is
 * what was measured when it was written (see the report in the commit), not a hoped-for figure.
 */
const MUTANTS = Number(process.env.MUTANTS ?? 40);
const SEED = Number(process.env.MUTATION_SEED ?? 13);
const FLOOR = 0.9; // measured: 29 of the 30 rejected mutants flagged (the miss: an index into a pointer member of unknown length)

type Kind = 'null' | 'bounds' | 'release' | 'memset';
const RULES_FOR: Record<Kind, string[]> = {
  null: ['null-check'],
  bounds: ['packet-bounds', 'variable-offset', 'unbounded-loop'],
  release: ['reference-leak'],
  memset: ['uninit-stack-helper'],
};

interface Mutant { file: string; kind: Kind; text: string; what: string }

const GOOD = path.join(REPO, 'test', 'programs', 'unsafe', 'good');
/** Sections this machine refuses before the verifier runs (trampolines: EPERM, empty log; see unsafe-interface.md). */
const UNVERIFIABLE = /SEC\("(?:fentry|fexit|fmod_ret|lsm)\//;

function sources(): { file: string; text: string }[] {
  const good = readdirSync(GOOD).filter((f) => f.endsWith('.bpf.c')).map((f) => path.join(GOOD, f));
  return [...good, path.join(REPO, 'examples', 'count_ok.bpf.c')]
    .map((file) => ({ file, text: readFileSync(file, 'utf8') }))
    .filter((s) => !UNVERIFIABLE.test(s.text));
}

const isJump = (n: Node | null) => !!n && (/^(return|goto|break|continue)_statement$/.test(n.type)
  || (n.type === 'compound_statement' && /^(return|goto|break|continue)_statement$/.test(n.lastNamedChild?.type ?? '')));

/** Every deletable check of a source, with the text that deletes it. */
function sites(file: string, text: string, root: Node): Mutant[] {
  const out: Mutant[] = [];
  const nullable = new Set([...text.matchAll(/\b(\w+)\s*=\s*(?:\([^()]*\)\s*)?(\w+)\s*\(/g)].filter((m) => MAY_RETURN_NULL.has(m[2])).map((m) => m[1]));
  const cut = (n: Node, by = '') => text.slice(0, n.startIndex) + by + text.slice(n.endIndex);
  const visit = (n: Node) => {
    if (n.type === 'if_statement' && !n.childForFieldName('alternative')) {
      const cond = n.childForFieldName('condition')!;
      const c = cond.text.slice(1, -1).trim();
      const body = n.childForFieldName('consequence')!;
      const tested = /^!\s*(\w+)$|^(\w+)\s*==\s*NULL$/.exec(c);
      if (tested && nullable.has(tested[1] ?? tested[2]) && isJump(body)) out.push({ file, kind: 'null', text: cut(n), what: `if (${c}) deleted` });
      else if (nullable.has(c) && body.type === 'compound_statement') out.push({ file, kind: 'null', text: cut(n, body.text), what: `if (${c}) dropped around its block` });
      const and = /^(\w+)\s*&&\s*([\s\S]+)$/.exec(c);
      if (and && nullable.has(and[1])) out.push({ file, kind: 'null', text: cut(cond, `(${and[2]})`), what: `${and[1]} && dropped` });
      if (/data_end/.test(c) && isJump(body)) out.push({ file, kind: 'bounds', text: cut(n), what: `if (${c}) deleted` });
      else if (/^\w+\s*>=?\s*\w+$/.test(c) && !/data_end/.test(c) && (isJump(body) || /^\w+\s*=\s*\w+;$/.test(body.text))) out.push({ file, kind: 'bounds', text: cut(n), what: `if (${c}) deleted` });
    }
    if (n.type === 'expression_statement') {
      const call = n.namedChild(0);
      const name = call?.type === 'call_expression' ? call.childForFieldName('function')?.text ?? '' : '';
      if (RELEASES.has(name) || /_dynptr$/.test(name) && /submit|discard/.test(name)) out.push({ file, kind: 'release', text: cut(n), what: `${name}() deleted` });
      if (/^(?:__builtin_)?memset$/.test(name)) out.push({ file, kind: 'memset', text: cut(n), what: `${name}() deleted` });
      if (/^\w+\s*&=\s*\w+;$/.test(n.text)) out.push({ file, kind: 'bounds', text: cut(n), what: `${n.text} deleted` });
    }
    if (n.type === 'init_declarator' && n.childForFieldName('value')?.type === 'initializer_list' && /^\{\s*0?\s*\}$/.test(n.childForFieldName('value')!.text)) {
      out.push({ file, kind: 'memset', text: text.slice(0, n.childForFieldName('declarator')!.endIndex) + text.slice(n.endIndex), what: `${n.text} lost its initialiser` });
    }
    for (const c of n.namedChildren) if (c) visit(c);
  };
  visit(root);
  return out;
}

async function mutants(): Promise<Mutant[]> {
  const parser = await createParser('c');
  const all: Mutant[] = [];
  for (const { file, text } of sources()) {
    const tree = parseSource(parser, 'c', text)!;
    all.push(...sites(file, text, tree.rootNode));
    tree.delete();
  }
  const rnd = new SeededRandom(SEED);
  for (let i = all.length - 1; i > 0; i--) { // Fisher-Yates, seeded
    const j = rnd.int(0, i);
    [all[i], all[j]] = [all[j], all[i]];
  }
  process.stdout.write(`# ${all.length} mutation sites, ${Math.min(all.length, MUTANTS)} taken\n`);
  return all.slice(0, MUTANTS);
}

describe('flow rules: mutants of correct programs, verified in the real kernel', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'unsafe-mutants-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`where the kernel rejects a mutant, the matching rule flags it (share >= ${FLOOR})`, async () => {
    copyFileSync(path.join(GOOD, 'compat.h'), path.join(dir, 'compat.h'));
    const list = await mutants();
    assert.ok(list.length >= 20, `only ${list.length} mutation sites`);
    const kinds = new Set(list.map((m) => m.kind));
    for (const k of ['null', 'bounds', 'release'] as Kind[]) assert.ok(kinds.has(k), `no ${k} mutant among the ${list.length}`);
    let rejected = 0;
    let flagged = 0;
    const missed: string[] = [];
    const falseErrors: string[] = [];
    for (const [i, m] of list.entries()) {
      const file = path.join(dir, `m${i}_${path.basename(m.file)}`);
      writeFileSync(file, m.text);
      // root may read uninitialised stack (6.3+): a deleted memset is judged as a loader without CAP_PERFMON sees it
      const r = runCli(['verify', file, '--json', ...(m.kind === 'memset' ? ['--capabilities', 'bpf+net_admin'] : [])]);
      if (r.code === 2 || !r.stdout.trim().startsWith('{')) continue; // does not build (a deletion clang refuses)
      const report = JSON.parse(r.stdout) as ObjectReport;
      const findings = (await lintFlow(m.text)).filter((f) => RULES_FOR[m.kind].includes(f.rule));
      const verdicts = report.programs.map((p) => p.verdict);
      if (!verdicts.includes('rejected')) {
        if (verdicts.every((v) => v === 'accepted') && findings.some((f) => f.severity === 'error')) falseErrors.push(`${path.basename(m.file)}: ${m.what}`);
        continue;
      }
      rejected++;
      if (findings.length > 0) flagged++;
      else missed.push(`${path.basename(m.file)}: ${m.what} -> ${report.programs.find((p) => p.verdict === 'rejected')?.message?.split('\n')[0]}`);
    }
    const share = rejected ? flagged / rejected : 0;
    process.stdout.write(`# mutants: ${list.length} (${[...kinds].map((k) => `${list.filter((m) => m.kind === k).length} ${k}`).join(', ')}), rejected by the kernel: ${rejected}, flagged: ${flagged} (${(share * 100).toFixed(0)}%)\n`);
    for (const x of missed) process.stdout.write(`#   missed: ${x}\n`);
    for (const x of falseErrors) process.stdout.write(`#   error on an accepted mutant: ${x}\n`);
    assert.ok(rejected >= 10, `only ${rejected} mutants rejected: the sample says little`);
    assert.ok(share >= FLOOR, `share ${share.toFixed(2)} under the floor ${FLOOR}; missed:\n${missed.join('\n')}`);
    assert.deepEqual(falseErrors, [], 'an error-severity finding on a mutant the kernel accepts');
  });
});
