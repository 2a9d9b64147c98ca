/**
 * The limits root sets at setup time, enforced by the helper started for a user (root playing sudo with the
 * SUDO_UID/SUDO_GID of a real unprivileged user, from a root-owned install with a limits.json): each refusal names
 * the limit, the value asked and how root raises it; root running the helper directly is not limited. And the
 * client's timeout: `cancel`, then the helper's own process is ended, behind a parent process as sudo would be.
 */
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { buildBpfSource } from '../../core/build/clang';
import { HelperClient } from '../../core/loader/helper-client';
import { kernelObjectsQuiet, kernelObjectsSettled } from '../support/bpf-objects';
import { DIST, REPO } from '../support/paths';
import { SLOW_LOOP_ITERS } from '../support/programs';
import { alive, ensureTestUser, installHelper, removeDir, removeTestUser, rootDir, waitGone, type TestUser } from '../support/sudo-user';

const MiB = 1024 * 1024;
const BIG_MAP = `#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1 << 20); __type(key, __u32); __type(value, __u64[8]); } big SEC(".maps");
SEC("xdp") int big_map(struct xdp_md *ctx) { __u32 k = 0; __u64 *v = bpf_map_lookup_elem(&big, &k); return v ? XDP_PASS : XDP_DROP; }
char LICENSE[] SEC("license") = "GPL";
`;

describe('limits for verifying without root, and the client timeout', { timeout: 300_000 }, () => {
  let user: TestUser;
  let dir: string;
  const installs: string[] = [];
  const clients: HelperClient[] = [];
  const obj: Record<string, string> = {};
  const client = (helperPath: string, extra: ConstructorParameters<typeof HelperClient>[0] = {}) => {
    const c = new HelperClient({ helperPath, env: user.env, ...extra });
    clients.push(c);
    return c;
  };
  const install = (limits: Parameters<typeof installHelper>[0]) => {
    const i = installHelper(limits);
    installs.push(i.dir);
    return i.helper;
  };
  const refusal = (key: RegExp, option: string) => (e: Error & { code?: string }) =>
    e.code === 'limit-exceeded' && key.test(e.message) && / asked, over the limit of /.test(e.message) && e.message.includes(`--${option} `);

  before(async () => {
    user = ensureTestUser();
    dir = rootDir('ebpf-limits-');
    writeFileSync(path.join(dir, 'big_map.bpf.c'), BIG_MAP);
    obj.big = (await buildBpfSource(path.join(dir, 'big_map.bpf.c'), { outDir: dir })).object;
    // its level-2 load runs the kernel about 4 s here (20,000 iterations took 1.4 s on a fast machine: too close to
    // the 1 s timeouts below); the limits and timeouts cut it short, so its 560 MB log is never all written
    obj.loop = (await buildBpfSource(path.join(REPO, 'bench', 'programs', 'loop_log.bpf.c'), { extraArgs: [`-DLOOP_ITERS=${SLOW_LOOP_ITERS}`], outDir: dir })).object;
    obj.loop1k = (await buildBpfSource(path.join(REPO, 'bench', 'programs', 'loop_log.bpf.c'), { extraArgs: ['-DLOOP_ITERS=1000'], outDir: path.join(dir, '1k') })).object;
    obj.count = path.join(dir, 'count_ok.bpf.o');
    copyFileSync((await buildBpfSource(path.join(REPO, 'examples', 'count_ok.bpf.c'))).object, obj.count);
    for (const f of Object.values(obj)) chmodSync(f, 0o644);
  });
  afterEach(async () => { // each helper holds one of the user's helper slots until it ends
    for (const c of clients.splice(0)) await c.close();
  });
  after(async () => {
    for (const d of [...installs, dir]) removeDir(d);
    removeTestUser(user);
  });

  it('hello reports the limits of the install; root running directly has none', async () => {
    const h = await client(install({ mapMemory: 16 * MiB })).hello();
    assert.equal(h.limits?.mapMemory, 16 * MiB);
    assert.equal(h.limits?.helpersPerUser, 2, 'the others keep their defaults');
    assert.match(h.limitsSource ?? '', /limits\.json$/);
    assert.equal((await client(path.join(DIST, 'helper.js'), { env: {} }).hello()).limits, null);
  });

  it('map memory per object: refused with the estimate and the largest map, before anything is created', async () => {
    const before = await kernelObjectsQuiet();
    const c = client(install({ mapMemory: 16 * MiB }));
    await assert.rejects(c.verify({ path: obj.big, program: 'big_map', logLevel: 1 }),
      (e: Error & { code?: string }) => refusal(/map memory per object/, 'max-map-memory')(e) && /need about 6\d\.\d MiB .*the largest, big, 64\.0 MiB/.test(e.message));
    assert.deepEqual(await kernelObjectsSettled(before), before, 'no map was created');
    const root = client(path.join(DIST, 'helper.js'), { env: {} });
    assert.equal((await root.verify({ path: obj.big, program: 'big_map', logLevel: 1 })).errno, 0, 'root directly: not limited');
  });

  it('log buffer: a larger buffer asked is refused; a log outgrowing it is cut with a note saying how root raises it', async () => {
    const c = client(install({ logBuffer: MiB }));
    await assert.rejects(c.verify({ path: obj.count, program: 'count_ok', logLevel: 2, logSize: 2 * MiB }), refusal(/verifier log buffer/, 'max-log-buffer'));
    const out = await c.verify({ path: obj.loop1k, program: 'loop_log', logLevel: 2 }); // a 5 MB log
    assert.equal(out.logTruncated, true);
    assert.equal(out.errno, 13, 'the level-4 retry still gives the verdict');
    assert.ok(out.logBytes <= MiB + 64 * 1024, `${out.logBytes} bytes`);
    assert.ok(out.libbpf.some((m) => /cut at the 1\.0 MiB log-buffer limit .*--max-log-buffer 4MiB/.test(m)), out.libbpf.join('\n'));
  });

  it('verification wall time: the kernel stops the load at the limit and the helper answers', async () => {
    const c = client(install({ verifySeconds: 1 }));
    await c.hello(); // started before the clock: its start alone took 1-3 s of the 5 on a loaded machine
    const t0 = Date.now();
    await assert.rejects(c.verify({ path: obj.loop, program: 'loop_log', logLevel: 2 }), refusal(/verification wall time/, 'max-verify-seconds'));
    assert.ok(Date.now() - t0 < 5000, `stopped after ${Date.now() - t0} ms (the full load takes about 4 s or more)`);
    assert.equal((await c.verify({ path: obj.count, program: 'count_ok', logLevel: 1 })).errno, 0, 'the same helper serves on');
  });

  it('concurrent helpers per user: one over the limit is refused, and starts once another ends', async () => {
    const helper = install({ helpersPerUser: 1 });
    const first = client(helper);
    await first.hello();
    const second = client(helper);
    await assert.rejects(second.hello(), refusal(/concurrent helpers per user/, 'max-helpers'));
    await first.close();
    assert.equal((await second.hello()).uid, user.uid);
  });

  it('a request over the client timeout is cancelled and the helper process itself ended, behind a wrapper parent', async () => {
    // stays the helper's parent, as sudo does, and outlives a SIGTERM (it traps it): the helper's end within
    // 800 ms can only come from the client signalling the helper's own pid, not from PR_SET_PDEATHSIG
    const wrapper = path.join(dir, 'wrapper.sh');
    writeFileSync(wrapper, `#!/bin/sh\ntrap 'echo wrapper got TERM >&2' TERM\n"${process.execPath}" "$@"\nexit $?\n`, { mode: 0o755 });
    const c = client(install(undefined), { nodePath: wrapper, timeoutMs: 1000 });
    const { pid } = await c.hello();
    const t0 = Date.now();
    await assert.rejects(c.verify({ path: obj.loop, program: 'loop_log', logLevel: 2 }),
      (e: Error & { code?: string }) => e.code === 'timeout' && /did not answer 'verify' within 1 s; it was stopped/.test(e.message) && /EBPF_DEBUGGER_TIMEOUT/.test(e.message));
    assert.ok(await waitGone(pid, 800), 'the helper process is gone');
    assert.ok(Date.now() - t0 < 6000, `${Date.now() - t0} ms`);
    assert.notEqual((await c.hello()).pid, pid, 'the next request starts a new helper');
    assert.ok(!alive(pid));
  });
});
