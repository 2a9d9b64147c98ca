import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { applyEdits } from '../../core/fixes/text-edit';
import { createParser, parseSource } from '../../core/source/tree-sitter';
import { REPO } from '../support/paths';
import { lintFlow } from './unsafe-flow-support';

const REJECT = path.join(REPO, 'test', 'programs', 'unsafe', 'reject');
const FLOW = /^(null-check|packet-bounds|reference-leak|stack-size|uninit-stack-helper|unbounded-loop|variable-offset)_/;
const inputs = [
  ...readdirSync(REJECT).filter((f) => FLOW.test(f)).map((f) => path.join(REJECT, f)),
  ...['null_deref', 'packet_bounds', 'subprog_reject', 'padded_key'].map((n) => path.join(REPO, 'examples', `${n}.bpf.c`)),
  path.join(REPO, 'test', 'programs', 'unreleased_ref.bpf.c'),
];

async function parsesClean(text: string): Promise<boolean> {
  const tree = parseSource(await createParser('c'), 'c', text)!;
  try {
    return !tree.rootNode.hasError;
  } finally {
    tree.delete();
  }
}

describe('flow rules: quick fixes', () => {
  it('every mechanical rule offers a fix on the corpus', async () => {
    const offered = new Set<string>();
    for (const file of inputs) for (const f of await lintFlow(readFileSync(file, 'utf8'))) if (f.fixes?.().length) offered.add(f.rule);
    for (const rule of ['null-check', 'packet-bounds', 'reference-leak', 'uninit-stack-helper', 'variable-offset', 'unbounded-loop']) assert.ok(offered.has(rule), `${rule} offers no fix`);
  });

  for (const file of inputs) {
    it(`${path.basename(file)}: the preferred fix removes the finding and adds no parse error`, async () => {
      const text = readFileSync(file, 'utf8');
      const findings = await lintFlow(text);
      assert.ok(findings.length > 0, 'the corpus program is flagged');
      for (const f of findings) {
        const fix = f.fixes?.().find((x) => x.preferred);
        if (!fix) continue;
        const fixed = applyEdits(text, fix.edits);
        if (await parsesClean(text)) assert.ok(await parsesClean(fixed), `${fix.title} leaves a parse error:\n${fixed}`); // (libbpf macros some files use do not parse)
        const after = (await lintFlow(fixed)).filter((g) => g.rule === f.rule);
        const before = findings.filter((g) => g.rule === f.rule);
        assert.ok(after.length < before.length, `${fix.title}: ${f.rule} still reports ${after.length} finding(s):\n${fixed}`);
      }
    });
  }
});
