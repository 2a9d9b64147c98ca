/**
 * The VM accelerator on this machine, with real QEMU boots of Debian's 6.1 (fetched into the user's cache first;
 * without the mirror the tests skip). What the machine can use is its own probe's answer: on a PVM /dev/kvm (this
 * one) that is TCG, and a KVM boot forced on it fails in QEMU the way test/unit/vm-accel.test.ts replays.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { accelFromProbe, readKvmProbe } from '../../core/kernel-matrix/accel';
import { forgetAutoAccel } from '../../core/kernel-matrix/accel-boot';
import { parseKernelSpec } from '../../core/kernel-matrix/catalogue';
import { verifyOnKernel } from '../../core/kernel-matrix/verify-on-kernel';
import type { ObjectReport } from '../../core/verify/report';
import { fetchMatrixKernels } from '../support/kernel-matrix';
import { REPO } from '../support/paths';
import { runCli } from '../support/run-cli';

const HASH_NULL = path.join(REPO, 'test', 'programs', 'matrix', 'hash_null.bpf.c');
const REJECT_LINE = readFileSync(HASH_NULL, 'utf8').split('\n').findIndex((l) => l.includes('/* REJECT')) + 1;
/** What this machine's probe says, before any boot: the answer `auto` must give. */
const machine = accelFromProbe(readKvmProbe());
const KVM_UNUSABLE = /KVM unusable here \((.+)\): emulating \(TCG\)/;
/** The environment without a user's EBPF_DEBUGGER_VM_ACCEL, which would decide instead of the option under test. */
const ENV: NodeJS.ProcessEnv = { ...process.env };
delete ENV.EBPF_DEBUGGER_VM_ACCEL;

function assertHashNullRejected(report: ObjectReport) {
  assert.match(report.kernel, /^6\.1\./);
  const [p] = report.programs;
  assert.equal(p.verdict, 'rejected', p.message ?? '');
  assert.match(p.message ?? '', /invalid mem access 'map_value_or_null'/);
  assert.equal(p.location?.line, REJECT_LINE);
}

let unavailable: string | null = null;
before(async () => {
  unavailable = await fetchMatrixKernels(['6.1'], (m) => process.stderr.write(`# ${m}\n`));
});

describe('--vm-accel on this machine, Debian 6.1 under QEMU', () => {
  it('auto verifies correctly and says which accelerator answered: the probe\'s, and why once when it is TCG', (t) => {
    if (unavailable) return t.skip(unavailable);
    const r = runCli(['verify', '--kernel', '6.1', '--vm-accel', 'auto', '--json', HASH_NULL], ENV);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as ObjectReport;
    assertHashNullRejected(report);
    assert.match(report.loader.via, /^vm:6\.1\.\S+:(kvm|tcg)$/);
    assert.equal(report.loader.via.split(':').pop(), machine.accel, `the probe said ${JSON.stringify(machine)}`);
    const said = [...r.stderr.matchAll(new RegExp(KVM_UNUSABLE, 'g'))];
    assert.equal(said.length, machine.accel === 'tcg' ? 1 : 0, r.stderr);
    if (machine.why) assert.equal(said[0][1], machine.why);
    t.diagnostic(`answered under ${machine.accel}${machine.why ? ` (${machine.why})` : ''}`);
  });

  it('a KVM the probe vouches for but QEMU cannot use: the boot falls back to TCG once, says so once, verifies the same', async (t) => {
    if (unavailable) return t.skip(unavailable);
    if (machine.accel === 'kvm') return t.skip('KVM works on this machine: nothing to fall back from');
    forgetAutoAccel();
    const said: string[] = [];
    const spec = parseKernelSpec('6.1');
    const claimKvm = () => ({ device: 'usable' as const, hardwareVirt: true, pvm: false });
    const runs = [];
    for (let i = 0; i < 2; i++) runs.push(await verifyOnKernel([HASH_NULL], spec, { vmAccel: 'auto', kvmProbe: claimKvm, progress: (m) => said.push(m) }));
    forgetAutoAccel();
    for (const run of runs) {
      assert.equal(run.accel, 'tcg');
      assert.match(run.reports[0].loader.via, /:tcg$/);
      assertHashNullRejected(run.reports[0]);
    }
    const notes = said.filter((m) => /KVM unusable here/.test(m));
    assert.equal(notes.length, 1, said.join('\n'));
    // the reason is QEMU's own, from the real KVM boot (on this machine's kvm_pvm: an MSR it cannot set)
    assert.match(notes[0], /^KVM unusable here \((QEMU aborted: KVM refused to set MSR 0x[0-9a-f]+|KVM internal error.*|QEMU could not.*)\): emulating \(TCG\)$/);
    t.diagnostic(notes[0]);
  });

  it('kvm forced where KVM cannot run a stock kernel: an error naming QEMU\'s reason and the way out, well before the VM timeout', (t) => {
    if (unavailable) return t.skip(unavailable);
    if (machine.accel === 'kvm') return t.skip('KVM works on this machine');
    const started = Date.now();
    const r = runCli(['verify', '--kernel', '6.1', '--vm-accel', 'kvm', HASH_NULL], ENV);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, /KVM could not run the kernel here \(.+\)\.\nUse --vm-accel tcg \(or auto\)/);
    assert.doesNotMatch(r.stderr, KVM_UNUSABLE, 'a forced KVM does not fall back');
    // a QEMU paused on a KVM internal error is stopped when it says so, not at the 120 s VM timeout
    assert.ok(Date.now() - started < 100_000, `${Date.now() - started} ms`);
  });

  it('EBPF_DEBUGGER_VM_ACCEL=tcg is the default when no option is given; the option wins over it', (t) => {
    if (unavailable) return t.skip(unavailable);
    const r = runCli(['verify', '--kernel', '6.1', '--json', HASH_NULL], { ...ENV, EBPF_DEBUGGER_VM_ACCEL: 'tcg' });
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as ObjectReport;
    assertHashNullRejected(report);
    assert.match(report.loader.via, /:tcg$/);
    assert.doesNotMatch(r.stderr, KVM_UNUSABLE, 'tcg asked for: nothing to explain');
    const bad = runCli(['verify', '--kernel', '6.1', '--vm-accel', 'tcg', '--json', HASH_NULL], { ...ENV, EBPF_DEBUGGER_VM_ACCEL: 'bogus' });
    assert.equal(bad.code, 1, `the option decides, the bad variable is not read: ${bad.stderr}`);
  });
});
