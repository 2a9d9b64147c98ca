import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SeededRandom } from '../../bench/seeded-random';
import { REPO } from '../support/paths';
import { lintFlow } from './unsafe-flow-support';

const DIRS = ['good', 'reject'].map((d) => path.join(REPO, 'test', 'programs', 'unsafe', d));
const sources = DIRS.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.bpf.c')).map((f) => readFileSync(path.join(d, f), 'utf8')));

/** What a document looks like while it is typed: cut short, a span deleted, a span duplicated, braces unbalanced. */
function mutate(text: string, rnd: SeededRandom): string {
  const at = rnd.int(0, text.length);
  const len = rnd.int(1, 40);
  switch (rnd.int(0, 3)) {
    case 0: return text.slice(0, at);
    case 1: return text.slice(0, at) + text.slice(at + len);
    case 2: return text.slice(0, at) + text.slice(at, at + len) + text.slice(at);
    default: return text.slice(0, at) + rnd.pick(['{', '}', '(', ')', ';', 'if (', 'goto out;', 'for (;;', '/*']) + text.slice(at);
  }
}

describe('flow rules: half-typed and broken sources', () => {
  it('600 mutated corpus programs: no throw, and findings have sane ranges', async () => {
    const rnd = new SeededRandom(7);
    for (let i = 0; i < 600; i++) {
      const text = mutate(rnd.pick(sources), rnd);
      const lines = text.split('\n').length;
      const findings = await lintFlow(text);
      for (const f of findings) {
        assert.ok(f.range.start.line >= 0 && f.range.end.line < lines, `${f.rule} range outside the text`);
        assert.ok(f.message.length > 20);
        for (const fix of f.fixes?.() ?? []) for (const e of fix.edits) assert.ok(e.range.start.line < lines);
      }
    }
  });
});
