/**
 * The `vmAccel` launch attribute reaches the VM: forced to `kvm` on a machine whose probe rules KVM out (this one's
 * /dev/kvm is PVM's), the 6.1 boot fails with QEMU's KVM reason instead of falling back; an unknown value is refused
 * by the launch's validation. Boots only a KVM attempt (QEMU aborts within a second here); the 6.1 image is fetched
 * first, as the kernels test does.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { accelFromProbe, readKvmProbe } from '../../core/kernel-matrix/accel';
import { examplePath } from '../support/examples';
import { fetchMatrixKernels, qemuMissing } from '../support/kernel-matrix';
import { adapterPerTest } from './dap-suite';

const machine = accelFromProbe(readKvmProbe());

describe('debug adapter: the vmAccel launch attribute', () => {
  const adapter = adapterPerTest({ timeout: 180_000 });
  let unavailable: string | null = null;
  before(async () => {
    unavailable = qemuMissing() || await fetchMatrixKernels(['6.1'], (m) => process.stderr.write(`# ${m}\n`));
  });

  it('"vmAccel": "kvm" where KVM cannot run stock kernels: the launch fails with QEMU\'s KVM reason, no TCG fallback', async (t) => {
    if (unavailable) return t.skip(unavailable);
    if (machine.accel === 'kvm') return t.skip('KVM works on this machine');
    const { dc } = adapter;
    const console: string[] = [];
    dc.on('output', (e) => console.push(e.body.output));
    await assert.rejects(Promise.all([dc.configurationSequence(), dc.launch({ program: examplePath('null_deref'), kernels: ['6.1'], vmAccel: 'kvm' })]),
      /KVM could not run the kernel here \(.+\)/);
    assert.ok(!console.some((l) => /KVM unusable here/.test(l)), `no fallback was taken: ${console.join('')}`);
  });

  it('an unknown value is refused before anything boots', async () => {
    await assert.rejects(adapter.dc.launch({ program: examplePath('null_deref'), kernels: ['6.1'], vmAccel: 'hvf' }), /"vmAccel" must be one of auto, kvm, tcg, not "hvf"/);
  });
});
