/**
 * The helper run by an unprivileged user: without setup (a message with the exact fix), with CAP_BPF only (the
 * capability-dependent verdict), and after `setup-privileges` (sudo -n on the root-owned wrapper; the helper becomes
 * that user again with CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN only). Creates a user and a sudoers rule, removes both.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, copyFileSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildBpfSource } from '../../core/build/clang';
import type { ObjectReport } from '../../core/verify/report';
import { DEFAULT_LIMITS } from '../../core/loader/limits';
import { INSTALL_DIR, SUDOERS_FILE } from '../../core/setup/privileged-setup';
import { examplePath } from '../support/examples';
import { DIST, REPO } from '../support/paths';
import { rejectMarker, SLOW_LOOP_ITERS } from '../support/programs';

const USER = 'ebpfdbg-test';
const CLI = path.join(DIST, 'cli.js');
const CAP_DEPENDENT = path.join(REPO, 'test', 'programs', 'cap_dependent.bpf.c');

/** A home of the user's own: the build cache goes in its .cache/ebpf-debugger, which must be the user's. */
let home = '';
const scratch: string[] = [];

function asUser(args: string[], caps: string[] = []) {
  const capArgs = caps.length ? [`--inh-caps=${caps.map((c) => `+${c}`).join(',')}`, `--ambient-caps=${caps.map((c) => `+${c}`).join(',')}`] : ['--inh-caps=-all'];
  const r = spawnSync('setpriv', ['--reuid', USER, '--regid', USER, '--init-groups', ...capArgs, process.execPath, CLI, ...args],
    { encoding: 'utf8', env: { ...process.env, HOME: home, XDG_CACHE_HOME: '' }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('privileges: an unprivileged user, CAP_BPF only, and sudo through the installed wrapper', { timeout: 300_000 }, () => {
  before(() => {
    if (!existsSync('/usr/bin/sudo')) throw new Error('sudo is not installed: run `bash scripts/setup.sh`');
    spawnSync('userdel', [USER]);
    execFileSync('useradd', ['-M', '-s', '/usr/sbin/nologin', USER]);
    home = mkdtempSync(path.join(os.tmpdir(), 'ebpf-home-'));
    scratch.push(home);
    chownSync(home, Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' })));
  });
  after(() => {
    spawnSync(process.execPath, [CLI, 'setup-privileges', '--remove']);
    spawnSync('userdel', [USER]);
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
  });

  it('without privileges: an error verdict whose message gives the exact fix, not libbpf\'s RLIMIT_MEMLOCK hint', () => {
    const r = asUser(['verify', examplePath('count_ok'), '--json']);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as ObjectReport;
    assert.equal(report.loader.via, 'direct');
    assert.notEqual(report.loader.uid, 0);
    const p = report.programs[0];
    assert.deepEqual([p.verdict, p.errnoName], ['error', 'EPERM']);
    assert.match(p.message ?? '', /sudo ebpf-debugger setup-privileges --install --user \$USER/);
    assert.doesNotMatch(p.message ?? '', /RLIMIT_MEMLOCK/);
  });

  it('with CAP_BPF only: the capability-dependent program is rejected', () => {
    const r = asUser(['verify', CAP_DEPENDENT, '--json'], ['bpf']);
    const p = (JSON.parse(r.stdout) as ObjectReport).programs[0];
    assert.equal(p.verdict, 'rejected', r.stderr);
    assert.match(p.message ?? '', /invalid read from stack/);
    assert.equal(p.location?.line, rejectMarker(CAP_DEPENDENT, 'cap_dependent')?.line);
  });

  it('after setup-privileges: sudo -n runs the wrapper; the helper is the user again with exactly BPF, PERFMON, NET_ADMIN', async () => {
    const install = spawnSync(process.execPath, [CLI, 'setup-privileges', '--install', '--user', USER, '--max-helpers', '3', '--max-map-memory', '512MiB'], { encoding: 'utf8' });
    assert.equal(install.status, 0, install.stderr + install.stdout);
    assert.ok(existsSync(SUDOERS_FILE));
    const limitsFile = path.join(INSTALL_DIR, 'limits.json');
    assert.deepEqual(JSON.parse(readFileSync(limitsFile, 'utf8')), { ...DEFAULT_LIMITS, helpersPerUser: 3, mapMemory: 512 * 1024 * 1024 }, 'the limits root set');
    assert.equal(statSync(limitsFile).uid, 0);
    assert.match(install.stdout, /concurrent helpers per user 3/);
    const raise = spawnSync(process.execPath, [CLI, 'setup-privileges', '--install', '--user', USER, '--max-verify-seconds', '60'], { encoding: 'utf8' });
    assert.equal(raise.status, 0, raise.stderr);
    assert.deepEqual(JSON.parse(readFileSync(limitsFile, 'utf8')), { ...DEFAULT_LIMITS, helpersPerUser: 3, mapMemory: 512 * 1024 * 1024, verifySeconds: 60 }, 'raising one limit keeps the others');
    const r = asUser(['verify', examplePath('count_ok'), '--json']);
    const report = JSON.parse(r.stdout) as ObjectReport;
    assert.equal(report.loader.via, 'sudo', r.stderr);
    assert.equal(report.loader.uid, Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' })));
    assert.equal(BigInt(`0x${report.loader.capEff}`), (1n << 39n) | (1n << 38n) | (1n << 12n), 'CAP_BPF | CAP_PERFMON | CAP_NET_ADMIN');
    assert.equal(report.programs[0].verdict, 'accepted', 'XDP loads: CAP_NET_ADMIN is kept');
    const rejected = JSON.parse(asUser(['verify', examplePath('null_deref'), '--json']).stdout) as ObjectReport;
    assert.equal(rejected.programs[0].verdict, 'rejected');
  });

  it('through sudo, the client\'s timeout ends the helper (which sudo would leave running), and nothing of the user\'s remains', async () => {
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-slow-'));
    scratch.push(outDir);
    // a level-2 load of about 4 s, well past the 1 s timeout on a fast machine too
    const slow = (await buildBpfSource(path.join(REPO, 'bench', 'programs', 'loop_log.bpf.c'), { extraArgs: [`-DLOOP_ITERS=${SLOW_LOOP_ITERS}`], outDir })).object;
    chmodSync(path.dirname(slow), 0o755);
    chmodSync(slow, 0o644);
    const t0 = Date.now();
    const r = asUser(['verify', slow, '--log-level', '2', '--timeout', '1']);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /did not answer 'verify' within 1 s; it was stopped/);
    assert.ok(Date.now() - t0 < 15_000, `${Date.now() - t0} ms (the load alone takes about 10 s)`);
    // the killed helper may take a moment to be gone on a loaded machine; one the timeout missed goes on loading
    // for seconds (about 10 s idle), well past this 5 s deadline
    const userProcesses = () => spawnSync('ps', ['-u', USER, '-o', 'pid=,args='], { encoding: 'utf8' }).stdout.trim();
    let left = userProcesses();
    for (const deadline = Date.now() + 5000; left !== '' && Date.now() < deadline; left = userProcesses()) await new Promise((res) => setTimeout(res, 50));
    assert.equal(left, '', 'no process of the user is left');
  });

  it('the helper opens files as the user: an object only root can read is refused', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-priv-'));
    scratch.push(dir);
    chmodSync(dir, 0o755);
    const secret = path.join(dir, 'secret.bpf.o');
    copyFileSync((await buildBpfSource(examplePath('count_ok'))).object, secret);
    chmodSync(secret, 0o600);
    const r = asUser(['verify', secret]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /secret\.bpf\.o: permission denied\. The helper opens files with your own rights \(uid \d+\)/);
  });
});
