/**
 * The kernel matrix against real kernels: the host, and Debian's 6.1 (bookworm) booted under QEMU. The first run
 * downloads the 6.1 image (about 27 MB, plus 9 MB of package lists) into the user's cache; later runs reuse it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ObjectReport, ProgramReport } from '../../core/verify/report';
import { kernelObjectsQuiet, kernelObjectsSettled } from '../support/bpf-objects';
import { REPO } from '../support/paths';
import { runCli } from '../support/run-cli';

const MATRIX = path.join(REPO, 'test', 'programs', 'matrix');
const source = (name: string) => path.join(MATRIX, `${name}.bpf.c`);

/** The line the program marks with `REJECT`: where the verifier must place the refusal. */
function rejectLine(name: string): number {
  const lines = readFileSync(source(name), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes('/* REJECT'));
  assert.ok(i >= 0, `${name} marks its reject line`);
  return i + 1;
}

function program(report: ObjectReport | ObjectReport[], name: string): { report: ObjectReport; p: ProgramReport } {
  const reports = Array.isArray(report) ? report : [report];
  const r = reports.find((x) => x.source === source(name));
  assert.ok(r, `a report for ${name}`);
  assert.equal(r.programs.length, 1);
  return { report: r, p: r.programs[0] };
}

function assertRejectedAtLine(p: ProgramReport, name: string, message: RegExp) {
  assert.equal(p.verdict, 'rejected', `${name}: ${p.message}`);
  assert.match(p.message ?? '', message);
  assert.equal(p.location?.file, source(name));
  assert.equal(p.location?.line, rejectLine(name), `${name} at its REJECT line`);
  assert.equal(p.locationSource, 'line_info');
}

describe('verify --kernel (host and Debian 6.1 under QEMU)', () => {
  it('two kernels: the verdicts per kernel, at the right source lines, in { runs }', async () => {
    const before = await kernelObjectsQuiet();
    const r = runCli(['verify', '--kernel', '6.1', '--kernel', 'host', '--json', MATRIX], process.env);
    assert.equal(r.code, 1, `exit 1: programs are rejected; stderr: ${r.stderr}`);
    const { runs } = JSON.parse(r.stdout) as { runs: ObjectReport[][] };
    assert.equal(runs.length, 2);
    const [old, host] = runs;
    for (const rep of old) {
      assert.match(rep.kernel, /^6\.1\.\d+-\d+-(cloud-)?amd64$/, 'kernel names the release that answered');
      assert.match(rep.loader.via, /^vm:6\.1\./);
    }
    for (const rep of host) assert.equal(rep.kernel, os.release());

    // a hash-map lookup may fail on every kernel: refused on both at the same line (6.1's log has no `@ file:line`:
    // only line_info can place it)
    const hashOld = program(old, 'hash_null').p;
    const hashHost = program(host, 'hash_null').p;
    assertRejectedAtLine(hashOld, 'hash_null', /invalid mem access 'map_value_or_null'/);
    assertRejectedAtLine(hashHost, 'hash_null', /invalid mem access 'map_value_or_null'/);
    assert.equal(hashOld.errnoName, 'EACCES');

    // the same on an array map with a constant key: 6.18 knows the lookup cannot fail
    assertRejectedAtLine(program(old, 'array_null').p, 'array_null', /invalid mem access 'map_value_or_null'/);
    assert.equal(program(host, 'array_null').p.verdict, 'accepted');

    // range-vs-range bounds (6.7+): accepted on the host, refused on 6.1 at the access
    assertRejectedAtLine(program(old, 'range_compare').p, 'range_compare', /unbounded memory access/);
    assert.equal(program(host, 'range_compare').p.verdict, 'accepted');
    assert.deepEqual(await kernelObjectsSettled(before), before, 'the host run leaves nothing loaded');
  });

  it('one kernel with --json keeps the verify --json shape, its kernel the release that answered', () => {
    const vm = runCli(['verify', '--kernel', '6.1', '--json', source('hash_null')], process.env);
    const plain = runCli(['verify', '--json', source('hash_null')], process.env);
    assert.equal(vm.code, 1, vm.stderr);
    const a = JSON.parse(vm.stdout) as ObjectReport;
    const b = JSON.parse(plain.stdout) as ObjectReport;
    assert.ok(!Array.isArray(a) && !('runs' in a));
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
    assert.deepEqual(Object.keys(a.programs[0]).sort(), Object.keys(b.programs[0]).sort());
    assert.match(a.kernel, /^6\.1\./);
    assert.equal(a.programs[0].location?.line, b.programs[0].location?.line);
  });

  it('prints a table and only the rejects that differ', () => {
    const r = runCli(['verify', '--kernel', '6.1', '--kernel', 'host', MATRIX], process.env);
    assert.equal(r.code, 1, r.stderr);
    const [table, differing = ''] = r.stdout.split('Verdicts that differ between kernels');
    assert.match(table, new RegExp(`^program\\s+6\\.1\\.\\S+\\s+${os.release().replace(/[.+]/g, '\\$&')}$`, 'm'));
    assert.match(table, new RegExp(`^hash_null\\.bpf\\.c:count_hash\\s+rejected :${rejectLine('hash_null')}\\s+rejected :${rejectLine('hash_null')}$`, 'm'));
    assert.match(table, new RegExp(`^array_null\\.bpf\\.c:count_array\\s+rejected :${rejectLine('array_null')}\\s+accepted$`, 'm'));
    assert.match(differing, /^ \(2\):/);
    assert.match(differing, /array_null\.bpf\.c:count_array/);
    assert.match(differing, /range_compare\.bpf\.c:range_compare/);
    assert.ok(!differing.includes('count_hash'), 'the same reject on both kernels is not a difference');
  });

  it('--sarif: a run per kernel, the kernel in each result\'s properties', () => {
    const r = runCli(['verify', '--kernel', '6.1', '--kernel', 'host', '--sarif', source('array_null')], process.env);
    assert.equal(r.code, 1, r.stderr);
    const sarif = JSON.parse(r.stdout) as { version: string; runs: { properties: { kernel: string }; results: { properties: { kernel: string }; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs.length, 2);
    assert.match(sarif.runs[0].properties.kernel, /^6\.1\./);
    assert.equal(sarif.runs[0].results.length, 1);
    assert.equal(sarif.runs[0].results[0].properties.kernel, sarif.runs[0].properties.kernel);
    assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.region.startLine, rejectLine('array_null'));
    assert.equal(sarif.runs[1].properties.kernel, os.release());
    assert.equal(sarif.runs[1].results.length, 0, 'accepted on the host');
  });

  it('verifies each program of an object on its own in the VM, as on the host', () => {
    const multi = path.join(REPO, 'test', 'programs', 'multi_prog.bpf.c');
    const r = runCli(['verify', '--kernel', '6.1', '--kernel', 'host', '--json', multi], process.env);
    assert.equal(r.code, 1, r.stderr);
    const { runs } = JSON.parse(r.stdout) as { runs: ObjectReport[] };
    const [old, host] = runs;
    assert.ok(old.programs.length > 1);
    assert.deepEqual(old.programs.map((p) => [p.name, p.verdict, p.location?.line ?? null]), host.programs.map((p) => [p.name, p.verdict, p.location?.line ?? null]));
    assert.ok(old.programs.some((p) => p.verdict === 'accepted') && old.programs.filter((p) => p.verdict === 'rejected').length > 1,
      'a reject does not hide the programs after it');
  });

  it('stops a VM that overruns its timeout and says so', () => {
    const r = runCli(['verify', '--kernel', '6.1', '--vm-timeout', '0.5', source('hash_null')], process.env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /did not finish within \d+ s and was stopped[\s\S]*--vm-timeout/);
  });

  it('kernels lists the cached 6.1; a kernel nobody carries is a usage error naming the choices', () => {
    const list = runCli(['kernels', '--json'], process.env);
    assert.equal(list.code, 0, list.stderr);
    const k = JSON.parse(list.stdout) as { cached: { release: string; packageBytes: number }[]; available: { series: string; packages: string[] }[] };
    assert.ok(k.cached.some((c) => /^6\.1\./.test(c.release) && c.packageBytes > 1e6));
    assert.ok(k.available.find((a) => a.series === '6.1')!.packages.length > 0);
    const bad = runCli(['verify', '--kernel', '4.19', source('hash_null')], process.env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /4\.19 is not one Debian's archive carries[\s\S]*6\.1/);
  });
});
