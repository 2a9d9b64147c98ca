/** EPERM messages from the facts seen: capabilities are blamed only when one is missing (issue 15). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attachTarget, explainEperm, lockdownFromConfig, missingCapabilities, parseLockdown, type EpermFacts } from '../../core/verify/eperm';

const ALL = '000001ffffffffff';
const BPF_PERFMON_NETADMIN = (1n << 39n | 1n << 38n | 1n << 12n).toString(16).padStart(16, '0');
const base: EpermFacts = { uid: 0, capEff: ALL, section: 'fentry/do_unlinkat', logBytes: 0, lockdown: 'none', lockdownSource: 'securityfs', unprivilegedBpfDisabled: 2, attachTargetInBtf: true };

describe('EPERM: what the kernel refused and why', () => {
  it('a user without CAP_BPF: capabilities are blamed, with the setup command', () => {
    const m = explainEperm({ ...base, uid: 1000, capEff: '0000000000000000', section: 'xdp' });
    assert.match(m, /lacks CAP_BPF, CAP_NET_ADMIN/);
    assert.match(m, /setup-privileges --install/);
    assert.match(m, /Seen: uid 1000/);
  });

  it('a tracing program with CAP_BPF only: CAP_PERFMON is named, not CAP_NET_ADMIN', () => {
    assert.deepEqual(missingCapabilities({ capEff: (1n << 39n).toString(16), section: 'kprobe/do_unlinkat' }), ['CAP_PERFMON']);
    assert.deepEqual(missingCapabilities({ capEff: BPF_PERFMON_NETADMIN, section: 'tc' }), []);
    assert.deepEqual(missingCapabilities({ capEff: (1n << 21n).toString(16), section: 'xdp' }), [], 'CAP_SYS_ADMIN stands for all');
  });

  it('root with every capability under lockdown=confidentiality: lockdown is the cause, capabilities are not blamed', () => {
    const m = explainEperm({ ...base, section: 'kprobe/do_unlinkat', logBytes: 120, lockdown: 'confidentiality' });
    assert.match(m, /locked down \(lockdown=confidentiality\)/);
    assert.doesNotMatch(m, /lacks|setup-privileges/);
  });

  it('a trampoline program refused before the verifier ran, with every capability: the trampoline, and the lockdown seen', () => {
    const m = explainEperm({ ...base, lockdown: 'integrity', lockdownSource: 'kernel config' });
    assert.match(m, /refused this fentry program \(EPERM\) before the verifier ran, and not for want of capabilities/);
    assert.match(m, /BPF trampoline/);
    assert.match(m, /locked down: integrity, forced by its build configuration/);
    assert.match(m, /attach target do_unlinkat is in the kernel's BTF/);
    assert.doesNotMatch(m, /lacks|setup-privileges/);
  });

  it('an attach target missing from the kernel\'s BTF is named', () => {
    const m = explainEperm({ ...base, section: 'fexit/no_such_function', attachTargetInBtf: false });
    assert.match(m, /attach target 'no_such_function' is not a function in this kernel's BTF/);
  });

  it('anything else with every capability: a security policy, with the facts, never capabilities', () => {
    const m = explainEperm({ ...base, section: 'socket', logBytes: 0, lockdown: null, lockdownSource: null, unprivilegedBpfDisabled: null, attachTargetInBtf: null });
    assert.match(m, /security policy/);
    assert.match(m, /lockdown unknown \(\/sys\/kernel\/security\/lockdown not readable/);
    assert.match(m, /kernel\.unprivileged_bpf_disabled unknown/);
    assert.doesNotMatch(m, /lacks/);
  });

  it('reads the lockdown mode and the attach target', () => {
    assert.equal(parseLockdown('none [integrity] confidentiality'), 'integrity');
    assert.equal(parseLockdown(null), null);
    assert.equal(lockdownFromConfig('# x\nCONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY=y\n'), 'integrity');
    assert.equal(lockdownFromConfig('# CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY is not set\n'), null);
    assert.equal(attachTarget('fentry/do_unlinkat'), 'do_unlinkat');
    assert.equal(attachTarget('lsm.s/file_open'), 'file_open');
    assert.equal(attachTarget('xdp'), null);
  });
});
