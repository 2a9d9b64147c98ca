/**
 * Golden summaries of logs the tests make themselves: every program in examples/ and test/programs/ is verified
 * in the running kernel at levels 1 and 2, and its summary is compared with test/golden/<name>.level<N>.json.
 * RESET_RESULTS=1 rewrites the golden files (review the diff before committing).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildBpfSource } from '../../core/build/clang';
import { HelperClient } from '../../core/loader/helper-client';
import { analyzeLog } from '../../core/verifier-log/parse';
import { stateAt } from '../../core/verifier-log/state-at';
import type { RejectSummary } from '../../core/verifier-log/summary';
import { DIST, EXAMPLES, REPO } from '../support/paths';

const GOLDEN = path.join(REPO, 'test', 'golden');
const PROGRAMS = [
  ...readdirSync(EXAMPLES).filter((f) => f.endsWith('.bpf.c')).map((f) => path.join(EXAMPLES, f)),
  ...readdirSync(path.join(REPO, 'test', 'programs')).filter((f) => f.endsWith('.bpf.c')).map((f) => path.join(REPO, 'test', 'programs', f)),
];

/** The parts of a summary that depend only on the program, clang and the kernel (no timings, no addresses). */
function stable(s: RejectSummary) {
  return {
    messageLines: s.messageLines,
    insn: s.insn,
    insnText: s.insnText?.replace(/0x[0-9a-f]{12,}/g, '<addr>') ?? null,
    afterMainPass: s.afterMainPass,
    path: s.path,
    frames: s.frames,
    globalFunction: s.globalFunction,
    source: s.source,
    sourceMayBeStale: s.sourceMayBeStale,
    sourcePath: s.sourcePath.map((p) => `${p.insn}: ${p.file ?? ''}:${p.line ?? ''} ${p.text}`),
    explanation: s.explanation?.id ?? null,
    truncated: s.truncated,
    hasBranchStates: s.hasBranchStates,
    processedInsns: s.stats.processedInsns ?? null,
  };
}

function bugLine(file: string): number | null {
  const idx = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('BUG:'));
  return idx < 0 ? null : idx + 1;
}

describe('verifier log engine on logs made by the running kernel (golden files)', () => {
  const helper = new HelperClient({ helperPath: path.join(DIST, 'helper.js') });
  const objects = new Map<string, string>();
  before(async () => {
    for (const src of PROGRAMS) objects.set(src, (await buildBpfSource(src)).object);
  });
  after(() => helper.close());

  for (const src of PROGRAMS) {
    const name = path.basename(src, '.bpf.c');
    for (const level of [1, 2]) {
      it(`${name} at level ${level}`, async () => {
        const out = await helper.verify({ path: objects.get(src)!, program: name, logLevel: level });
        const { index, summary } = analyzeLog(out.log);
        const got = stable(summary);
        const file = path.join(GOLDEN, `${name}.level${level}.json`);
        if (process.env.RESET_RESULTS || !existsSync(file)) writeFileSync(file, JSON.stringify(got, null, 2) + '\n');
        assert.deepEqual(got, JSON.parse(readFileSync(file, 'utf8')), `summary differs from ${path.relative(REPO, file)}`);

        // facts that hold whatever the golden file says
        assert.equal(out.errno !== 0, summary.messageLines.length > 0, 'a reject has a message, an accept has none');
        assert.equal(summary.truncated.head || summary.truncated.tail, false);
        const bug = bugLine(src);
        if (out.errno !== 0 && !summary.afterMainPass) {
          // BUG: marks the line the object's line_info gives; the log alone gets there unless it flags a possibly stale annotation
          if (summary.sourceMayBeStale) assert.ok(summary.source!.line! < bug!, 'a stale annotation is an earlier line, from before the jump');
          else assert.equal(summary.source?.line, bug, 'the reject is on the line marked BUG:');
          assert.equal(summary.path[summary.path.length - 1], summary.insn, 'the path ends at the reject');
          assert.ok(summary.explanation, `an explanation for: ${summary.messageLines.join(' / ')}`);
          const st = stateAt(index, summary.insnLogLine!);
          assert.ok(st && st.state.regs.has(10), 'R10 (the frame pointer) is known at the reject');
          assert.equal(st!.frame, summary.frames[0].frame, 'state and path agree on the frame');
        }
      });
    }
  }
});
