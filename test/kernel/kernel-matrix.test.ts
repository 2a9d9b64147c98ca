/**
 * The kernel matrix against real kernels: the host and Debian's 5.10, 6.1, 6.12 and 7.3 booted under QEMU. A first
 * run on an empty cache downloads the four (13.6-34.3 MB each, 96 MB, plus 20 MB of package lists) into the user's
 * cache; later runs reuse them. Without the mirror the tests skip, saying why.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseKernelSpec } from '../../core/kernel-matrix/catalogue';
import { verifyOnKernel, type KernelRun } from '../../core/kernel-matrix/verify-on-kernel';
import { HelperClient } from '../../core/loader/helper-client';
import { compareVersions } from '../../core/util/version';
import type { ObjectReport, ProgramReport } from '../../core/verify/report';
import { kernelObjectsQuiet, kernelObjectsSettled } from '../support/bpf-objects';
import { fetchMatrixKernels } from '../support/kernel-matrix';
import { DIST, REPO } from '../support/paths';
import { runCli } from '../support/run-cli';

const MATRIX = path.join(REPO, 'test', 'programs', 'matrix');
const ATTACH = path.join(MATRIX, 'attach', 'attach_unlinkat.bpf.c');
const TRACEPOINTS = path.join(MATRIX, 'attach', 'attach_tracepoints.bpf.c');
const source = (name: string) => path.join(MATRIX, `${name}.bpf.c`);
/** What the issue's tests need: the oldest, the one without `@ file:line`, the last before 6.14's nullness elision, a 7.x. */
const VM_KERNELS = ['5.10', '6.1', '6.12', '7.3'];
/** The host is this machine's kernel: what it must accept depends on its version. */
const hostAtLeast = (v: string) => compareVersions(os.release(), v) >= 0;

/** The line the program marks with `REJECT`: where the verifier must place the refusal. */
function rejectLine(name: string, file = source(name)): number {
  const lines = readFileSync(file, 'utf8').split('\n');
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

let unavailable: string | null = null;
before(async () => {
  unavailable = await fetchMatrixKernels(VM_KERNELS, (m) => process.stderr.write(`# ${m}\n`));
});

/** The programs on every kernel, through the API the CLI and the debug session use. */
describe('the matrix: 5.10, 6.1, 6.12, 7.3 under QEMU and the host', () => {
  const runs = new Map<string, KernelRun>();
  let helper: HelperClient | undefined;
  const inputs = ['hash_null', 'array_null', 'range_compare'].map(source);
  before(async () => {
    if (unavailable) return;
    helper = new HelperClient({ helperPath: path.join(DIST, 'helper.js') });
    for (const k of [...VM_KERNELS, 'host']) runs.set(k, await verifyOnKernel(inputs, parseKernelSpec(k), { loader: helper }));
  });
  after(async () => { await helper?.close(); });
  /** One program's whole verification on one kernel. */
  const on = (kernel: string, name: string) => {
    const run = runs.get(kernel)!;
    const i = inputs.indexOf(source(name));
    assert.equal(run.verified[i].length, 1);
    assert.equal(run.verified[i][0].report, run.reports[i].programs[0], 'verified parallels reports');
    return { ...run.verified[i][0], release: run.reports[i].kernel };
  };

  it('a missing NULL check on a hash map is rejected on every kernel at the same source line', (t) => {
    if (unavailable) return t.skip(unavailable);
    for (const k of [...VM_KERNELS, 'host']) {
      const { report, release } = on(k, 'hash_null');
      if (k !== 'host') assert.ok(release.startsWith(`${k}.`), `${k} answered as ${release}`);
      assertRejectedAtLine(report, 'hash_null', /invalid mem access 'map_value_or_null'/);
      assert.equal(report.errnoName, 'EACCES', k);
    }
  });

  it('the same on an array map with a constant key: rejected on 5.10-6.12, accepted on 7.3 (and a 6.18+ host)', (t) => {
    if (unavailable) return t.skip(unavailable);
    for (const k of ['5.10', '6.1', '6.12']) assertRejectedAtLine(on(k, 'array_null').report, 'array_null', /invalid mem access 'map_value_or_null'/);
    assert.equal(on('7.3', 'array_null').report.verdict, 'accepted', on('7.3', 'array_null').report.message ?? '');
    if (hostAtLeast('6.18')) assert.equal(on('host', 'array_null').report.verdict, 'accepted');
  });

  it('range-vs-range bounds (6.7+): accepted on the host, 6.12 and 7.3; rejected on 6.1 and 5.10 at the access', (t) => {
    if (unavailable) return t.skip(unavailable);
    for (const k of ['5.10', '6.1']) assertRejectedAtLine(on(k, 'range_compare').report, 'range_compare', /unbounded memory access/);
    for (const k of ['6.12', '7.3', ...(hostAtLeast('6.7') ? ['host'] : [])]) assert.equal(on(k, 'range_compare').report.verdict, 'accepted', k);
  });

  it('5.10 and 6.1 logs name no source line: line_info places their rejects at the host\'s line', (t) => {
    if (unavailable) return t.skip(unavailable);
    const atLine = / @ hash_null\.bpf\.c:\d+/;
    const host = on('host', 'hash_null');
    assert.match(Buffer.concat(host.log).toString(), atLine, 'the host (6.9+) prints @ file:line');
    for (const k of ['5.10', '6.1']) {
      const old = on(k, 'hash_null');
      const log = Buffer.concat(old.log).toString();
      assert.ok(log.includes('invalid mem access'), `${k} returned its log`);
      assert.doesNotMatch(log, atLine, `${k} has no @ file:line`);
      assert.deepEqual(old.report.location, host.report.location, `${k}: the same file, line and column as the host`);
      assert.equal(old.report.locationSource, 'line_info');
      assert.equal(old.report.insn, host.report.insn);
    }
    assert.match(Buffer.concat(on('6.12', 'hash_null').log).toString(), atLine, '6.12 prints @ file:line');
  });

  it('the 7.3 kernel\'s prose block is parsed: its location, causal path and suggestion are the report\'s', (t) => {
    if (unavailable) return t.skip(unavailable);
    const { summary, report } = on('7.3', 'hash_null');
    const prose = summary.prose;
    assert.ok(prose, 'the real 7.3 log has a `Verification failed:` block');
    assert.ok(prose.title.length > 0 && prose.reason.length > 0 && prose.suggestion.length > 0, JSON.stringify(prose));
    assert.equal(prose.at?.file, 'hash_null.bpf.c');
    assert.equal(prose.at?.line, rejectLine('hash_null'));
    assert.equal(report.location?.column, prose.at?.column);
    assert.equal(report.suggestion, prose.suggestion, 'the kernel\'s own suggestion');
    assert.ok(prose.causalPath.length > 0);
    assert.deepEqual(report.causalPath?.map((s) => s.line), prose.causalPath.map((s) => s.line));
    assert.deepEqual(report.kernelReport, { title: prose.title, reason: prose.reason, suggestion: prose.suggestion }, 'the kernel\'s own words in the report');
    assert.equal(on('6.12', 'hash_null').summary.prose, null, 'no prose block before 7.x');
    assert.equal(on('6.12', 'hash_null').report.kernelReport, null, 'no kernel report before 7.x');
  });
});

describe('verify --kernel 7.3 and 6.1 from the CLI: the prose block and missing attach targets', () => {
  it('human output shows the 7.3 prose report and names the function 7.3 lacks', (t) => {
    if (unavailable) return t.skip(unavailable);
    const r = runCli(['verify', '--kernel', '7.3', source('hash_null'), ATTACH], process.env);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^program\s+7\.3\.\d+\+deb13-cloud-amd64$/m);
    assert.match(r.stdout, new RegExp(`^hash_null\\.bpf\\.c:count_hash\\s+rejected :${rejectLine('hash_null')}$`, 'm'));
    assert.match(r.stdout, /7\.3\.\d+\+deb13-cloud-amd64's own report: Verification failed: \S.*\n\s+Reason: \S/);
    assert.match(r.stdout, /^attach_unlinkat\.bpf\.c:unlink_entry\s+error$/m);
    assert.match(r.stdout, /kernel 7\.3\.\S+ has no function do_unlinkat to attach to: libbpf finds no do_unlinkat in that kernel's BTF/);
    assert.match(r.stdout, /kernel 7\.3\.\S+ has no function do_unlinkat to attach to \(not in its \/proc\/kallsyms\)/);
  });

  it('--json: the kernel\'s suggestion from a 7.3 run; attach targets each kernel lacks, and none it has, named', (t) => {
    if (unavailable) return t.skip(unavailable);
    const r = runCli(['verify', '--kernel', '6.1', '--kernel', '7.3', '--json', source('hash_null'), ATTACH, TRACEPOINTS], process.env);
    assert.equal(r.code, 1, r.stderr);
    const { runs } = JSON.parse(r.stdout) as { runs: ObjectReport[][] };
    const [old, k73] = runs;
    const attach = (reps: ObjectReport[], file = ATTACH) => reps.find((x) => x.source === file)!.programs;
    assert.deepEqual(attach(old).map((p) => [p.name, p.verdict]), [['unlink_entry', 'accepted'], ['unlink_probe', 'accepted']]);
    assert.deepEqual(attach(k73).map((p) => [p.name, p.verdict]), [['unlink_entry', 'error'], ['unlink_probe', 'error']]);
    for (const p of attach(k73)) assert.match(p.message ?? '', new RegExp(`^kernel ${k73[0].kernel.replace(/[.+]/g, '\\$&')} has no function do_unlinkat to attach to`));
    // block/block_io_start came with 6.5: missing in 6.1's tracefs; sched_switch and tcp_v4_connect are on both
    assert.deepEqual(attach(old, TRACEPOINTS).map((p) => [p.name, p.verdict]), [['io_start', 'error'], ['switch_tp', 'accepted'], ['connect_probe', 'accepted']]);
    assert.match(attach(old, TRACEPOINTS)[0].message ?? '', /^kernel 6\.1\.\S+ has no tracepoint block\/block_io_start to attach to \(not in its tracefs\)/);
    assert.deepEqual(attach(k73, TRACEPOINTS).map((p) => p.verdict), ['accepted', 'accepted', 'accepted']);
    const h73 = program(k73, 'hash_null').p;
    const h61 = program(old, 'hash_null').p;
    assert.ok(h73.suggestion && h73.suggestion !== h61.suggestion, `7.3's suggestion is the kernel's own: ${h73.suggestion}`);
    assert.ok(h73.kernelReport && h73.kernelReport.title.length > 0 && h73.kernelReport.reason.length > 0, 'verify --json carries 7.3\'s title and reason');
    assert.equal(h61.kernelReport, null);
    assert.equal(h73.location?.line, h61.location?.line);
  });
});

describe('verify --kernel (host and Debian 6.1 under QEMU)', () => {
  it('two kernels: the verdicts per kernel, at the right source lines, in { runs }', async (t) => {
    if (unavailable) return t.skip(unavailable);
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

  it('one kernel with --json keeps the verify --json shape, its kernel the release that answered', (t) => {
    if (unavailable) return t.skip(unavailable);
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

  it('prints a table, the rejects that differ, and once each the rejects alike on both', (t) => {
    if (unavailable) return t.skip(unavailable);
    const r = runCli(['verify', '--kernel', '6.1', '--kernel', 'host', MATRIX], process.env);
    assert.equal(r.code, 1, r.stderr);
    const [table, rest = ''] = r.stdout.split('Verdicts that differ between kernels');
    const [differing, alike = ''] = rest.split('Rejected alike on every kernel');
    assert.match(table, new RegExp(`^program\\s+6\\.1\\.\\S+\\s+${os.release().replace(/[.+]/g, '\\$&')}$`, 'm'));
    assert.match(table, new RegExp(`^hash_null\\.bpf\\.c:count_hash\\s+rejected :${rejectLine('hash_null')}\\s+rejected :${rejectLine('hash_null')}$`, 'm'));
    assert.match(table, new RegExp(`^array_null\\.bpf\\.c:count_array\\s+rejected :${rejectLine('array_null')}\\s+accepted$`, 'm'));
    assert.match(differing, /^ \(2\):/);
    assert.match(differing, /array_null\.bpf\.c:count_array/);
    assert.match(differing, /range_compare\.bpf\.c:range_compare/);
    assert.ok(!differing.includes('count_hash'), 'the same reject on both kernels is not a difference');
    assert.match(alike, /^ \(1\):\n\nhash_null\.bpf\.c:count_hash\n\s+✗ count_hash \(xdp\): rejected/);
    assert.equal(alike.split('✗ count_hash').length, 2, 'shown once, not once per kernel');
  });

  it('--sarif: a run per kernel, the kernel in each result\'s properties', (t) => {
    if (unavailable) return t.skip(unavailable);
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

  it('verifies each program of an object on its own in the VM, as on the host', (t) => {
    if (unavailable) return t.skip(unavailable);
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

  it('stops a VM that overruns its timeout and says so', (t) => {
    if (unavailable) return t.skip(unavailable);
    const r = runCli(['verify', '--kernel', '6.1', '--vm-timeout', '0.5', source('hash_null')], process.env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /did not finish within \d+ s and was stopped[\s\S]*--vm-timeout/);
  });

  it('kernels lists the cached 6.1; a kernel nobody carries is a usage error naming the choices', (t) => {
    if (unavailable) return t.skip(unavailable);
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
