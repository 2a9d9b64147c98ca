/**
 * The VM accelerator choice: what the probe's facts lead to, QEMU's KVM failures (the stderr seen on this machine's
 * PVM /dev/kvm), the `auto` fallback to TCG (once, remembered, said once), and the user's override.
 * The real boots are in test/kernel/vm-accel.test.ts.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { accelFromProbe, KvmBootError, kvmFailure, readKvmProbe, vmAccelRequest, type KvmProbe } from '../../core/kernel-matrix/accel';
import { autoAccelAnswer, bootWithAccel, forgetAutoAccel, kvmUnusableMessage } from '../../core/kernel-matrix/accel-boot';
import { bootKernel, qemuArgs, type BootOptions, type BootResult } from '../../core/kernel-matrix/qemu-run';
import { EbpfError } from '../../core/errors';
import { validateLaunchArguments } from '../../core/launch-attributes';

/** QEMU 7.2's stderr for `-accel kvm -cpu host` on this machine's kvm_pvm: it aborts in ~50 ms. */
const MSR_ABORT = 'qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69\n'
  + "qemu-system-x86_64: ../../target/i386/kvm/kvm.c:3183: kvm_buf_set_msrs: Assertion `ret == cpu->kvm_msr_buf->nmsrs' failed.\n";
/** With `-cpu host,-arch-capabilities` it gets further, then this after 60-80 s, and QEMU stays paused. */
const EMULATION_FAILURE = 'KVM internal error. Suberror: 1\nextra data[0]: 0x0000000000000001\nemulation failure\n'
  + 'RAX=ffff888003c40040 RBX=0000000000000000 RCX=0000000080400040 RDX=0000000000400001\n';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vm-accel-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const HARDWARE_KVM: KvmProbe = { device: 'usable', hardwareVirt: true, pvm: false };

describe('the probe: which accelerator the machine points to', () => {
  it('KVM only for a usable /dev/kvm on vmx/svm without PVM; each other case says why not', () => {
    assert.deepEqual(accelFromProbe(HARDWARE_KVM), { accel: 'kvm', why: null });
    const cases: [Partial<KvmProbe>, RegExp][] = [
      [{ device: 'missing' }, /no \/dev\/kvm/],
      [{ device: 'denied' }, /not readable and writable/],
      [{ pvm: true }, /PVM's \(kvm_pvm\)/],
      [{ hardwareVirt: false }, /no vmx\/svm/],
    ];
    for (const [change, why] of cases) {
      const r = accelFromProbe({ ...HARDWARE_KVM, ...change });
      assert.equal(r.accel, 'tcg', JSON.stringify(change));
      assert.match(r.why ?? '', why);
    }
  });

  it('reads the device, the CPU flags and the kvm_pvm module', () => {
    const paths = { device: path.join(dir, 'kvm'), cpuinfo: path.join(dir, 'cpuinfo'), pvmModule: path.join(dir, 'kvm_pvm') };
    writeFileSync(paths.cpuinfo, 'processor\t: 0\nflags\t\t: fpu cx16 xsave hypervisor\n');
    assert.deepEqual(readKvmProbe(paths), { device: 'missing', hardwareVirt: false, pvm: false });
    writeFileSync(paths.device, '');
    chmodSync(paths.device, 0o600);
    writeFileSync(paths.cpuinfo, 'processor\t: 0\nflags\t\t: fpu vmx cx16\n');
    assert.deepEqual(readKvmProbe(paths), { device: 'usable', hardwareVirt: true, pvm: false });
    writeFileSync(paths.cpuinfo, 'flags\t\t: fpu cx16 svm\n');
    mkdirSync(paths.pvmModule);
    assert.deepEqual(readKvmProbe(paths), { device: 'usable', hardwareVirt: true, pvm: true });
    writeFileSync(paths.cpuinfo, 'flags\t\t: fpu vmxx svmnot\n');
    assert.equal(readKvmProbe(paths).hardwareVirt, false, 'whole flags only');
  });
});

describe("QEMU's KVM failures", () => {
  it('names the MSR abort and the emulation failure; other stderr is not KVM\'s', () => {
    assert.equal(kvmFailure(MSR_ABORT), 'QEMU aborted: KVM refused to set MSR 0x10a');
    assert.equal(kvmFailure(EMULATION_FAILURE), 'KVM internal error: emulation failure');
    assert.match(kvmFailure('qemu-system-x86_64: -accel kvm: failed to initialize kvm: Permission denied\n') ?? '', /could not initialise KVM: Permission denied/);
    assert.equal(kvmFailure(''), null);
    assert.equal(kvmFailure("qemu-system-x86_64: warning: host doesn't support requested feature: CPUID.01H:ECX.pni [bit 0]\n"), null);
    assert.equal(kvmFailure('qemu-system-x86_64: terminating on signal 15 from pid 1\n'), null);
  });

  it('qemuArgs: kvm runs the host CPU, tcg the emulated max', () => {
    assert.match(qemuArgs({ vmlinux: 'v', initrd: Buffer.alloc(0), accel: 'kvm' }, '/d').join(' '), /-accel kvm -cpu host/);
    assert.match(qemuArgs({ vmlinux: 'v', initrd: Buffer.alloc(0), accel: 'tcg' }, '/d').join(' '), /-accel tcg -cpu max/);
  });

  /** A stand-in for qemu-system-x86_64 that writes `stderr` and then aborts or hangs. */
  const fakeQemu = (name: string, stderr: string, then: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, `#!/bin/sh\nprintf '%s' '${stderr.replace(/'/g, "'\\''")}' >&2\n${then}\n`, { mode: 0o755 });
    return file;
  };
  const opts = (qemu: string, accel: 'kvm' | 'tcg'): BootOptions => ({ vmlinux: '/nonexistent', initrd: Buffer.alloc(0), accel, qemu, timeoutMs: 20_000 });

  it('bootKernel under kvm: an abort with the MSR message is a KvmBootError; under tcg the same exit is not', async () => {
    const qemu = fakeQemu('abort.sh', MSR_ABORT, 'kill -ABRT $$');
    await assert.rejects(bootKernel(opts(qemu, 'kvm')), (e: unknown) => e instanceof KvmBootError && /MSR 0x10a/.test(e.message) && /--vm-accel tcg/.test(e.message));
    await assert.rejects(bootKernel(opts(qemu, 'tcg')), (e: unknown) => e instanceof EbpfError && !(e instanceof KvmBootError) && /killed by SIGABRT/.test(e.message));
  });

  it('bootKernel under kvm stops a QEMU paused on a KVM internal error at once, not at the timeout', async () => {
    const qemu = fakeQemu('paused.sh', EMULATION_FAILURE, 'exec sleep 60');
    const started = Date.now();
    await assert.rejects(bootKernel(opts(qemu, 'kvm')), (e: unknown) => e instanceof KvmBootError && /emulation failure/.test(e.reason));
    assert.ok(Date.now() - started < 10_000, `stopped after ${Date.now() - started} ms`);
  });
});

describe('auto: KVM when the probe allows, TCG once KVM fails, remembered for the process', () => {
  beforeEach(() => forgetAutoAccel());
  const o = { vmlinux: 'v', initrd: Buffer.alloc(0) };
  const answered = (accel: string): BootResult => ({ result: `=== DONE ${accel}`, console: '', wallMs: 1 });
  /** A boot that records the accelerators it was asked for, KVM failing as on this machine unless `kvmWorks`. */
  const recorder = (kvmWorks: boolean) => {
    const asked: (string | undefined)[] = [];
    const boot = async (b: BootOptions) => {
      asked.push(b.accel);
      await new Promise((r) => setTimeout(r, 5));
      if (b.accel === 'kvm' && !kvmWorks) throw new KvmBootError(kvmFailure(MSR_ABORT)!);
      return answered(b.accel!);
    };
    return { asked, boot };
  };

  it('a KVM failure is retried under TCG once, said once, and later boots go straight to TCG', async () => {
    const { asked, boot } = recorder(false);
    const said: string[] = [];
    const first = await bootWithAccel(o, { probe: () => HARDWARE_KVM, boot, progress: (m) => said.push(m) });
    assert.equal(first.accel, 'tcg');
    assert.equal(first.result, '=== DONE tcg');
    assert.deepEqual(asked, ['kvm', 'tcg']);
    assert.deepEqual(said, [kvmUnusableMessage('QEMU aborted: KVM refused to set MSR 0x10a')]);
    assert.equal(said[0], 'KVM unusable here (QEMU aborted: KVM refused to set MSR 0x10a): emulating (TCG)');
    const second = await bootWithAccel(o, { probe: () => HARDWARE_KVM, boot, progress: (m) => said.push(m) });
    assert.equal(second.accel, 'tcg');
    assert.deepEqual(asked, ['kvm', 'tcg', 'tcg'], 'no second KVM try');
    assert.equal(said.length, 1, 'said once');
    assert.deepEqual(autoAccelAnswer(), { accel: 'tcg', why: 'QEMU aborted: KVM refused to set MSR 0x10a' });
  });

  it('a probe that rules KVM out never tries it, and says why once', async () => {
    const { asked, boot } = recorder(true);
    const said: string[] = [];
    for (let i = 0; i < 2; i++) assert.equal((await bootWithAccel(o, { probe: () => ({ ...HARDWARE_KVM, pvm: true }), boot, progress: (m) => said.push(m) })).accel, 'tcg');
    assert.deepEqual(asked, ['tcg', 'tcg']);
    assert.equal(said.length, 1);
    assert.match(said[0], /^KVM unusable here \(\/dev\/kvm is PVM's \(kvm_pvm\).*\): emulating \(TCG\)$/);
  });

  it('a working KVM answers and is kept; nothing is said', async () => {
    const { asked, boot } = recorder(true);
    const said: string[] = [];
    for (let i = 0; i < 2; i++) assert.equal((await bootWithAccel(o, { probe: () => HARDWARE_KVM, boot, progress: (m) => said.push(m) })).accel, 'kvm');
    assert.deepEqual(asked, ['kvm', 'kvm']);
    assert.deepEqual(said, []);
  });

  it('concurrent boots wait for the first KVM try instead of each trying KVM', async () => {
    const { asked, boot } = recorder(false);
    const said: string[] = [];
    const runs = await Promise.all([1, 2, 3].map(() => bootWithAccel(o, { probe: () => HARDWARE_KVM, boot, progress: (m) => said.push(m) })));
    assert.deepEqual(runs.map((r) => r.accel), ['tcg', 'tcg', 'tcg']);
    assert.equal(asked.filter((a) => a === 'kvm').length, 1);
    assert.equal(said.length, 1);
  });

  it('once KVM is known to work, concurrent boots do not wait for each other', async () => {
    const { asked, boot } = recorder(true);
    await bootWithAccel(o, { probe: () => HARDWARE_KVM, boot });
    let running = 0;
    let most = 0;
    const overlapping = async (b: BootOptions) => {
      most = Math.max(most, ++running);
      try { return await boot(b); } finally { running--; }
    };
    await Promise.all([1, 2, 3].map(() => bootWithAccel(o, { probe: () => HARDWARE_KVM, boot: overlapping })));
    assert.deepEqual(asked, ['kvm', 'kvm', 'kvm', 'kvm']);
    assert.equal(most, 3);
  });

  it('a failure that is not KVM\'s (a timeout, a cancel) is not retried under TCG', async () => {
    const asked: (string | undefined)[] = [];
    const boot = async (b: BootOptions): Promise<BootResult> => { asked.push(b.accel); throw new EbpfError('timeout', 'The VM did not finish within 1 s and was stopped.'); };
    await assert.rejects(bootWithAccel(o, { probe: () => HARDWARE_KVM, boot }), /did not finish/);
    assert.deepEqual(asked, ['kvm']);
    assert.equal(autoAccelAnswer(), undefined, 'nothing learned');
  });

  it('the override: kvm is taken as given (its failure is the error), tcg never tries KVM', async () => {
    const { asked, boot } = recorder(false);
    await assert.rejects(bootWithAccel(o, { request: 'kvm', probe: () => ({ ...HARDWARE_KVM, device: 'missing' }), boot }), KvmBootError);
    assert.equal((await bootWithAccel(o, { request: 'tcg', probe: () => HARDWARE_KVM, boot })).accel, 'tcg');
    assert.deepEqual(asked, ['kvm', 'tcg']);
    assert.equal(autoAccelAnswer(), undefined, 'a forced accelerator teaches auto nothing');
  });
});

describe('the request: --vm-accel, the vmAccel attribute, EBPF_DEBUGGER_VM_ACCEL', () => {
  it('the option first, then the environment, else auto; anything else is a usage error naming where it came from', () => {
    assert.equal(vmAccelRequest(undefined, {}), 'auto');
    assert.equal(vmAccelRequest(undefined, { EBPF_DEBUGGER_VM_ACCEL: 'tcg' }), 'tcg');
    assert.equal(vmAccelRequest('kvm', { EBPF_DEBUGGER_VM_ACCEL: 'tcg' }), 'kvm');
    assert.equal(vmAccelRequest(undefined, { EBPF_DEBUGGER_VM_ACCEL: '' }), 'auto');
    assert.throws(() => vmAccelRequest('fast', {}), (e: unknown) => e instanceof EbpfError && e.code === 'usage' && /--vm-accel must be one of auto, kvm, tcg, not 'fast'/.test(e.message));
    assert.throws(() => vmAccelRequest(undefined, { EBPF_DEBUGGER_VM_ACCEL: 'KVM' }), /EBPF_DEBUGGER_VM_ACCEL must be one of/);
  });

  it('the launch attribute takes the same three values', () => {
    for (const v of ['auto', 'kvm', 'tcg']) assert.equal(validateLaunchArguments({ program: 'p.o', vmAccel: v as 'auto' }), null);
    assert.match(validateLaunchArguments({ program: 'p.o', vmAccel: 'hvf' as 'auto' }) ?? '', /"vmAccel" must be one of auto, kvm, tcg/);
  });
});
