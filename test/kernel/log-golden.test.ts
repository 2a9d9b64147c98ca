/**
 * Golden summaries of logs the tests make themselves: every program in examples/ and test/programs/ is verified
 * in the running kernel at levels 1 and 2, and its summary is compared with test/golden/<name>.level<N>.json.
 * RESET_RESULTS=1 rewrites the golden files (review the diff before committing).
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildBpfSource } from '../../core/build/clang';
import { HelperClient } from '../../core/loader/helper-client';
import { KERNEL_ADDRESS } from '../../core/loader/redact';
import { analyzeLog } from '../../core/verifier-log/parse';
import { stateAt } from '../../core/verifier-log/state-at';
import { loadObjectSourceMap, programMap } from '../../core/source-map/object-source-map';
import type { RejectSummary } from '../../core/verifier-log/summary';
import { buildProgramReport } from '../../core/verify/program-report';
import { DIST, REPO } from '../support/paths';
import { functionSpan } from '../support/function-span';
import { ALL_SOURCES, rejectMarker } from '../support/programs';
import { ensureTestUser, removeDir, removeTestUser, rootDir, type TestUser } from '../support/sudo-user';

const GOLDEN = path.join(REPO, 'test', 'golden');

/** The parts of a summary that depend only on the program, clang and the kernel (no timings, no addresses). */
function stable(s: RejectSummary) {
  return {
    messageLines: s.messageLines,
    insn: s.insn,
    // a kfunc call names its BTF type id, which differs between builds of one kernel; a helper's id (#6) does not
    insnText: s.insnText?.replace(/0x[0-9a-f]{12,}/g, '<addr>').replaceAll(KERNEL_ADDRESS, '<addr>').replace(/^(call \w+)#\d{4,}$/, '$1#<btf-id>') ?? null,
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

/**
 * Twice: as root, and through a helper started for a user (root playing sudo), whose logs have their kernel
 * addresses redacted: the same golden files hold for both.
 */
for (const mode of ['root', 'user (redacted logs)'] as const) describe(`verifier log engine on logs made by the running kernel (golden files), as ${mode}`, () => {
  let user: TestUser | undefined;
  let helper: HelperClient;
  let dir: string | undefined;
  const objects = new Map<string, { object: string; programs: string[] }>();
  /** libbpf before 1.3 does not append exception callbacks: such programs have their own golden files then. */
  let oldLibbpf = false;
  before(async () => {
    if (mode !== 'root') {
      user = ensureTestUser();
      dir = rootDir('ebpf-golden-'); // the user must be able to read the objects
    }
    helper = new HelperClient({ helperPath: path.join(DIST, 'helper.js'), env: user?.env });
    const hello = await helper.hello();
    assert.equal(hello.redacted, mode !== 'root');
    const [major, minor] = hello.libbpf.split('.').map(Number);
    oldLibbpf = major === 1 && minor < 3;
    for (const src of ALL_SOURCES) {
      let object = (await buildBpfSource(src)).object;
      if (dir) {
        const copy = path.join(dir, `${path.basename(src)}.o`);
        copyFileSync(object, copy);
        object = copy;
      }
      objects.set(src, { object, programs: (await helper.list(object)).programs.map((p) => p.name) });
    }
  });
  after(async () => {
    await helper.close();
    if (dir) removeDir(dir);
    if (user) removeTestUser(user);
  });

  for (const src of ALL_SOURCES) {
    const base = path.basename(src, '.bpf.c');
    for (const level of [1, 2]) {
      it(`${base} at level ${level}`, async () => {
        const { object, programs } = objects.get(src)!;
        for (const name of programs) await checkProgram(object, src, name, level, name === base ? base : `${base}.${name}`);
      });
    }
  }

  async function checkProgram(object: string, src: string, name: string, level: number, golden: string): Promise<void> {
    const out = await helper.verify({ path: object, program: name, logLevel: level });
    const { index, summary } = analyzeLog(out.log);
    const got = stable(summary);
    const variant = oldLibbpf && readFileSync(src, 'utf8').includes('exception_callback:') ? '.before-libbpf-1.3' : '';
    const file = path.join(GOLDEN, `${golden}${variant}.level${level}.json`);
    if (mode !== 'root') assert.doesNotMatch(Buffer.concat(out.log).toString('latin1'), /\(18\) r\d+ = 0xffff[89a-f][0-9a-f]{11}/, 'no kernel address reaches the user');
    if (mode === 'root' && (process.env.RESET_RESULTS || !existsSync(file))) writeFileSync(file, JSON.stringify(got, null, 2) + '\n');
    assert.deepEqual(got, JSON.parse(readFileSync(file, 'utf8')), `summary differs from ${path.relative(REPO, file)}`);

    // facts that hold whatever the golden file says
    assert.equal(out.errno !== 0, summary.messageLines.length > 0, 'a reject has a message, an accept has none');
    assert.equal(summary.truncated.head || summary.truncated.tail, false);
    const bug = rejectMarker(src, name)?.line;
    if (out.errno !== 0 && summary.insn === null && !summary.afterMainPass) {
      // refused before any instruction: the report points at the program's function (func_info), approximate
      const obj = loadObjectSourceMap(object).obj;
      const report = buildProgramReport(summary, { name, section: null, verdict: 'rejected', errno: out.errno, logBytes: 0, truncated: false, libbpf: [], roots: [path.dirname(src)], map: programMap(obj, name), obj });
      assert.equal(report.locationSource, 'func_info');
      assert.equal(report.locationApproximate, true);
      assert.ok(functionSpan(readFileSync(src, 'utf8'), name).includes(report.location!.line), 'the location is in the program\'s function');
      assert.ok(summary.explanation, `an explanation for: ${summary.messageLines.join(' / ')}`);
    } else if (out.errno !== 0 && !summary.afterMainPass) {
      // BUG: marks the line the object's line_info gives for the reject; the log alone gets there unless it
      // flags its last annotation as possibly stale (after a rewind, or on an instruction libbpf poisoned)
      const map = programMap(loadObjectSourceMap(object).obj, name);
      assert.equal(map?.location(summary.insn!)?.line, bug, 'line_info puts the reject on the line marked BUG:');
      if (!summary.sourceMayBeStale) assert.equal(summary.source?.line, bug, 'the log\'s annotation agrees');
      assert.equal(summary.path[summary.path.length - 1], summary.insn, 'the path ends at the reject');
      assert.ok(summary.explanation, `an explanation for: ${summary.messageLines.join(' / ')}`);
      const st = stateAt(index, summary.insnLogLine!);
      assert.ok(st && st.state.regs.has(10), 'R10 (the frame pointer) is known at the reject');
      assert.equal(st!.frame, summary.frames[0].frame, 'state and path agree on the frame');
    }
  }
});
