import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ObjectReport } from '../../core/verify/report';
import { kernelObjectsQuiet, kernelObjectsSettled } from '../support/bpf-objects';
import { EXAMPLE_VERDICTS, bugLine, examplePath } from '../support/examples';
import { EXAMPLES } from '../support/paths';
import { runCli } from '../support/run-cli';
import { spawnSync } from 'node:child_process';
import { DIST } from '../support/paths';

describe('ebpf-debugger verify (real kernel)', () => {
  it('--json over examples/: every verdict, errno, message and file:line as the issue specifies', async () => {
    const before = await kernelObjectsQuiet();
    const r = runCli(['verify', EXAMPLES, '--json']);
    assert.equal(r.code, 1, `exit 1 when a program is rejected; stderr: ${r.stderr}`);
    const reports = JSON.parse(r.stdout) as ObjectReport[];
    assert.equal(reports.length, Object.keys(EXAMPLE_VERDICTS).length);
    for (const report of reports) {
      assert.ok(path.isAbsolute(report.object) && report.object.endsWith('.o'), report.object);
      assert.equal(report.kernel, os.release());
      assert.equal(report.programs.length, 1);
      const p = report.programs[0];
      const want = EXAMPLE_VERDICTS[p.name];
      assert.ok(want, `unexpected program ${p.name}`);
      assert.equal(report.source, examplePath(p.name));
      assert.equal(p.section, 'xdp');
      assert.equal(p.verdict, want.verdict, `${p.name}: ${p.message}`);
      assert.equal(typeof p.stats.processedInsns, 'number');
      assert.equal(typeof p.stats.verificationTimeUs, 'number');
      assert.match(p.stats.stackDepth ?? '', /^\d+(\+\d+)*$/);
      assert.ok(p.logBytes > 0);
      assert.equal(p.truncated, false);
      if (want.verdict === 'accepted') {
        assert.equal(p.errno, 0);
        assert.equal(p.location, null);
        assert.equal(p.message, null);
        continue;
      }
      assert.equal(p.errnoName, want.errnoName);
      assert.equal(p.errno, 13);
      assert.match(p.message ?? '', want.message!);
      assert.deepEqual(p.messageLines, p.message!.split('\n'));
      assert.equal(typeof p.insn, 'number');
      assert.deepEqual([p.location?.file, p.location?.line], [examplePath(p.name), bugLine(p.name)]);
      assert.equal(p.locationSource, 'line_info');
      const col = p.location!.column!;
      const text = readFileSync(examplePath(p.name), 'utf8').split('\n')[bugLine(p.name) - 1];
      assert.ok(col >= 1 && /\S/.test(text[col - 1]), `column ${col} points into the code of: ${text}`);
    }
    assert.deepEqual(await kernelObjectsSettled(before), before, 'nothing left loaded');
  });

  it('human output prints each reject with its message, file:line and a code frame', () => {
    const r = runCli(['verify', examplePath('null_deref')]);
    assert.equal(r.code, 1);
    const line = bugLine('null_deref');
    assert.match(r.stdout, /✗ null_deref \(xdp\): rejected, EACCES \(13\)/);
    assert.match(r.stdout, /R0 invalid mem access 'map_value_or_null'/);
    assert.match(r.stdout, new RegExp(`at ${examplePath('null_deref').replace(/[.]/g, '\\.')}:${line}:\\d+ \\(insn \\d+\\)`));
    assert.match(r.stdout, new RegExp(`> ${line} \\| +\\*count \\+= 1;`));
    assert.match(r.stdout, /\n +\| +\^/, 'a caret under the column');
  });

  it('--sarif: one SARIF 2.1.0 result per reject, at its line and column, with a rule the driver declares', () => {
    const r = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), 'verify', '.', '--sarif'], { cwd: EXAMPLES, encoding: 'utf8' });
    assert.equal(r.status, 1, r.stderr);
    const sarif = JSON.parse(r.stdout);
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    const rules = new Set(run.tool.driver.rules.map((x: { id: string }) => x.id));
    const rejected = Object.entries(EXAMPLE_VERDICTS).filter(([, v]) => v.verdict === 'rejected').map(([k]) => k);
    assert.equal(run.results.length, rejected.length);
    for (const res of run.results) {
      assert.ok(rules.has(res.ruleId), res.ruleId);
      const name = res.properties.program as string;
      const loc = res.locations[0].physicalLocation;
      assert.equal(loc.artifactLocation.uri, `${name}.bpf.c`, 'relative to the working directory');
      assert.equal(loc.region.startLine, bugLine(name));
      assert.ok(loc.region.startColumn >= 1);
    }
    assert.equal(runCli(['verify', examplePath('count_ok'), '--json', '--sarif']).code, 2);
  });

  it('exits 0 when every program verifies', () => {
    const r = runCli(['verify', examplePath('count_ok')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /✓ count_ok \(xdp\): accepted — \d+ insns processed/);
  });

  it('--program picks one program; an unknown one is a usage error naming the real ones', () => {
    const ok = runCli(['verify', examplePath('count_ok'), '--program', 'count_ok', '--json']);
    assert.equal(ok.code, 0);
    const bad = runCli(['verify', examplePath('count_ok'), '--program', 'nope']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /has no program named 'nope'[\s\S]*Its programs: count_ok/);
  });

  it('environment and usage errors exit 2 with a message that says what to do', () => {
    const noClang = runCli(['verify', examplePath('count_ok')], { ...process.env, PATH: '/nonexistent' });
    assert.equal(noClang.code, 2);
    assert.match(noClang.stderr, /Cannot run clang[\s\S]*apt-get install clang/);

    const missing = runCli(['verify', '/nonexistent/prog.bpf.c']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file/);

    assert.equal(runCli(['verify']).code, 2);
    assert.equal(runCli(['verify', examplePath('count_ok'), '--log-level', '9']).code, 2);
    assert.equal(runCli(['frobnicate']).code, 2);
  });

  it('a source that does not compile is reported at its file:line', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-cli-'));
    const src = path.join(dir, 'broken.bpf.c');
    writeFileSync(src, 'int f(void) {\n  return undeclared_thing;\n}\n');
    const r = runCli(['verify', src]);
    assert.equal(r.code, 2);
    assert.ok(r.stderr.includes(`${src}:2:10: use of undeclared identifier`), r.stderr);
  });

  it('an object that is not ELF is a clear error, not a crash', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-cli-'));
    const obj = path.join(dir, 'junk.o');
    writeFileSync(obj, 'junk');
    const r = runCli(['verify', obj]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is not a BPF object: not an ELF file/);
  });
});
