/**
 * The causal path where the CLI prints a reject: `verify --json` (causalPath, suggestion), `--sarif` (codeFlows),
 * the human output ("why" after the code frame), and `log --json --object` on a 5.10 log, which has no
 * `@ file:line` (the origin comes through the object's line_info). Needs `npm run build` (dist/cli.js).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { buildBpfSource } from '../../core/build/clang';
import { matrixBlock } from '../support/kernel-matrix';
import { EXAMPLES, KERNEL_MATRIX } from '../support/paths';
import { runCli } from '../support/run-cli';
import { lineOf } from '../support/programs';

const SRC = path.join(EXAMPLES, 'subprog_reject.bpf.c');
const LOOKUP = /= bpf_map_lookup_elem\(/;

describe('causal path in the CLI\'s output', () => {
  it('verify --json: causalPath origin first, at the lookup, then the call; a suggestion naming the line', () => {
    const r = runCli(['verify', SRC, '--json']);
    assert.equal(r.code, 1, r.stderr);
    const p = JSON.parse(r.stdout).programs[0];
    assert.deepEqual(p.causalPath.map((s: { role: string; line: number }) => [s.role, s.line]), [['origin', lineOf(SRC, LOOKUP)], ['call', lineOf(SRC, /account\(s,/)]]);
    assert.deepEqual(Object.keys(p.causalPath[0]).sort(), ['column', 'detail', 'file', 'insn', 'line', 'role', 'text']);
    assert.deepEqual(p.hotLines, []);
    assert.equal(p.suggestion, `check \`s\` for NULL after line ${lineOf(SRC, LOOKUP)} and use it only on the non-NULL branch`);
  });

  it('verify --sarif: the path is a code flow, origin first', () => {
    const r = runCli(['verify', SRC, '--sarif']);
    const flow = JSON.parse(r.stdout).runs[0].results[0].codeFlows[0].threadFlows[0].locations;
    assert.deepEqual(flow.map((l: { location: { physicalLocation: { region: { startLine: number } } } }) => l.location.physicalLocation.region.startLine), [lineOf(SRC, LOOKUP), lineOf(SRC, /account\(s,/)]);
    assert.match(flow[0].location.message.text, /^origin: R0 = map_value_or_null/);
  });

  it('human output: "why" comes after the code frame, with the suggestion', () => {
    const out = runCli(['verify', SRC]).stdout;
    const frame = out.indexOf(' | ');
    const why = out.indexOf('    why:\n');
    assert.ok(frame > 0 && why > frame, out);
    assert.match(out.slice(why), new RegExp(`subprog_reject\\.bpf\\.c:${lineOf(SRC, LOOKUP)}:\\d+ \\[insn \\d+, origin\\]`));
    assert.match(out, /suggestion: check `s` for NULL after line/);
  });

  it('log --json --object on a 5.10 log without `@ file:line`: the origin through line_info', async () => {
    const src = path.join(KERNEL_MATRIX, 'programs', 'nullcheck_hash.bpf.c');
    const object = (await buildBpfSource(src)).object;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'causal-cli-'));
    try {
      const log = path.join(dir, '5.10.log');
      writeFileSync(log, matrixBlock(1, '5.10-cloud.txt', 'nullcheck_hash'));
      const r = runCli(['log', log, '--json', '--object', object, '--source-root', path.dirname(src)]);
      const p = JSON.parse(r.stdout).programs[0];
      const origin = p.causalPath.find((s: { role: string }) => s.role === 'origin');
      assert.equal(origin.line, lineOf(src, LOOKUP), r.stdout);
      assert.equal(origin.detail, 'R0 = map_value_or_null, from bpf_map_lookup_elem(&counters)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
