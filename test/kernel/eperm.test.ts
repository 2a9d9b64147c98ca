/**
 * EPERM in the running kernel (issue 15): as root, a trampoline program refused before the verifier runs is not
 * blamed on capabilities; a helper limited to CAP_BPF is told which capability it lacks.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from '../support/paths';
import { runCli } from '../support/run-cli';

const FENTRY = path.join(REPO, 'test', 'programs', 'bad', 'fentry_trampoline.bpf.c');
const XDP = path.join(REPO, 'examples', 'count_ok.bpf.c');

describe('EPERM messages from the kernel', () => {
  it('root with every capability: an fentry program is accepted, or its EPERM names what was seen, not capabilities', () => {
    const r = runCli(['verify', FENTRY, '--json']);
    const p = JSON.parse(r.stdout).programs[0];
    if (p.errno === 0) return assert.equal(p.verdict, 'accepted'); // a kernel that allows trampolines
    assert.equal(p.errnoName, 'EPERM');
    assert.equal(p.verdict, 'error');
    assert.doesNotMatch(p.message, /lacks CAP_|setup-privileges/);
    assert.match(p.message, /Seen: uid 0, effective capabilities 0x[0-9a-f]+, lockdown \w+/);
    assert.match(p.message, /attach target do_unlinkat is in the kernel's BTF/);
    assert.match(p.message, /before the verifier ran/);
  });

  it('a loader with CAP_BPF only, for XDP: the missing CAP_NET_ADMIN is named', () => {
    const r = runCli(['verify', XDP, '--capabilities', 'bpf', '--json']);
    const p = JSON.parse(r.stdout).programs[0];
    assert.equal(p.errnoName, 'EPERM', JSON.stringify(p));
    assert.match(p.message, /lacks CAP_NET_ADMIN/);
    assert.doesNotMatch(p.message, /CAP_BPF,/);
  });
});
