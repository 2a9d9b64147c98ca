/**
 * The helper as sudo starts it for a user (root, SUDO_UID/SUDO_GID of a real unprivileged user): it becomes the
 * user before it reads an argument or stdin, ends with its parent and on stdin EOF, answers any line (null, an
 * array, 2 MiB of junk) with an error and keeps serving, reads objects once without following a swap into libbpf,
 * and hands the user no kernel address.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chownSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Btf } from '../../core/btf/btf-reader';
import { buildBpfSource } from '../../core/build/clang';
import { ElfFile } from '../../core/elf/elf-reader';
import { HelperClient } from '../../core/loader/helper-client';
import { KERNEL_ADDRESS } from '../../core/loader/redact';
import { summarizeLog } from '../../core/verifier-log/parse';
import { bugLine, examplePath } from '../support/examples';
import { DIST } from '../support/paths';
import { alive, ensureTestUser, removeDir, removeTestUser, rootDir, waitGone, type TestUser } from '../support/sudo-user';

const HELPER = path.join(DIST, 'helper.js');

/** The helper with a raw stdio protocol, for what the client would never send. */
function rawHelper(env: NodeJS.ProcessEnv, args: string[] = []) {
  const child = spawn(process.execPath, [HELPER, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] }) as ChildProcessWithoutNullStreams;
  let out = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString('latin1'); });
  child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
  const replies = async (n: number): Promise<Record<string, unknown>[]> => {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline;) { // a loaded machine: not a count of 20 ms tries
      const lines = out.split('\n').filter((l) => l.startsWith('{"id"') && !/^\{"id":-?\d+,"logBytes"/.test(l)); // not a log chunk's header
      if (lines.length >= n) return lines.slice(0, n).map((l) => JSON.parse(l));
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no ${n} replies: ${out.slice(0, 500)} ${stderr}`);
  };
  // 'close', not 'exit': at 'exit' its stdout and stderr may not all be read yet (the messages asserted on)
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.on('close', (code, signal) => r({ code, signal })));
  return { child, replies, exited, stderr: () => stderr };
}

describe('the helper started for a user: privilege drop, protocol, object reads, redaction', { timeout: 300_000 }, () => {
  let user: TestUser;
  let dir: string;
  const obj: Record<string, string> = {};
  before(async () => {
    user = ensureTestUser();
    dir = rootDir('ebpf-hard-');
    for (const n of ['count_ok', 'null_deref']) {
      obj[n] = path.join(dir, `${n}.bpf.o`);
      copyFileSync((await buildBpfSource(examplePath(n))).object, obj[n]);
    }
    obj.padding = path.join(dir, 'padding.bpf.o'); // rejected without CAP_PERFMON: its key's padding is never written
    copyFileSync((await buildBpfSource(path.join(__dirname, '../programs/unsafe/reject/uninit-stack-helper_padding.bpf.c'))).object, obj.padding);
  });
  after(() => {
    removeDir(dir);
    removeTestUser(user);
  });

  it('becomes the user with exactly CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN before reading stdin', async () => {
    const h = rawHelper(user.env);
    const uid = new RegExp(`^Uid:\\s+${user.uid}\\s+${user.uid}\\s+${user.uid}\\s+${user.uid}$`, 'm');
    const gid = new RegExp(`^Gid:\\s+${user.gid}\\s+${user.gid}\\s+${user.gid}\\s+${user.gid}$`, 'm');
    const caps = (1n << 39n) | (1n << 38n) | (1n << 12n);
    const cap = (status: string, name: string) => BigInt(`0x${new RegExp(`^${name}:\\s*(\\w+)`, 'm').exec(status)![1]}`);
    const dropped = (status: string) => uid.test(status) && gid.test(status) && /^Groups:\s*$/m.test(status) && cap(status, 'CapEff') === caps && cap(status, 'CapBnd') === caps;
    // not a byte sent: whatever it becomes, it becomes before reading stdin. Node's start and the drop take about
    // 0.1 s idle and 0.3-0.7 s on a loaded 2-core machine (the 500 ms sleep this replaces): polled, not guessed
    let status = readFileSync(`/proc/${h.child.pid}/status`, 'utf8');
    for (const deadline = Date.now() + 20_000; !dropped(status) && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 20));
      status = readFileSync(`/proc/${h.child.pid}/status`, 'utf8');
    }
    assert.match(status, uid);
    assert.match(status, gid);
    assert.match(status, /^Groups:\s*$/m);
    assert.equal(cap(status, 'CapEff'), caps);
    assert.equal(cap(status, 'CapBnd'), caps);
    h.child.stdin.end();
    assert.equal((await h.exited).code, 0, 'stdin EOF ends it');
  });

  it('an unknown argument exits non-zero, after the drop, and no root process remains', async () => {
    for (const args of [['--bogus'], ['--capabilities=root'], ['extra', '--capabilities=bpf']]) {
      const h = rawHelper(user.env, args);
      const { code } = await h.exited;
      assert.equal(code, 2, h.stderr());
      assert.match(h.stderr(), /unknown argument|Unknown capability set/);
      assert.ok(!alive(h.child.pid!));
    }
    // the privilege step runs before the arguments are looked at: an unusable SUDO_UID fails first
    const bad = rawHelper({ SUDO_UID: 'x1', SUDO_GID: '0' }, ['--bogus']);
    assert.equal((await bad.exited).code, 3, bad.stderr());
    assert.match(bad.stderr(), /could not drop to the requesting user/);
    const ps = spawnSync('ps', ['-eo', 'uid=,args='], { encoding: 'utf8' }).stdout;
    assert.doesNotMatch(ps, /^\s*0\s+\S*node \S*dist\/helper\.js --bogus/m);
  });

  it('started for a user, it loads no libbpf the user chose (EBPF_DEBUGGER_LIBBPF) or owns: only root-owned ones', async () => {
    // the user's own "libbpf": a file the user owns, in a directory the user owns
    const own = path.join(dir, 'user-lib');
    mkdirSync(own);
    copyFileSync(path.join(DIST, 'helper.js'), path.join(own, 'libbpf.so.1'));
    chownSync(own, user.uid, user.gid);
    chownSync(path.join(own, 'libbpf.so.1'), user.uid, user.gid);
    const h = rawHelper({ ...user.env, EBPF_DEBUGGER_LIBBPF: path.join(own, 'libbpf.so.1') });
    h.child.stdin.write('{"id":1,"method":"hello"}\n');
    const [hello] = await h.replies(1);
    h.child.stdin.end();
    await h.exited;
    const result = hello.result as { uid: number; libbpfPath?: string | null };
    assert.equal(result.uid, user.uid, JSON.stringify(hello));
    assert.ok(result.libbpfPath && !result.libbpfPath.startsWith(own), `a root-owned libbpf answered, not the user's: ${result.libbpfPath}`);
    // root itself may name one: the same variable is obeyed for a root helper (here a missing file, which fails)
    const asRoot = rawHelper({ EBPF_DEBUGGER_LIBBPF: '/nonexistent/libbpf.so.1' });
    asRoot.child.stdin.write('{"id":1,"method":"hello"}\n');
    const [rootHello] = await asRoot.replies(1);
    asRoot.child.stdin.end();
    await asRoot.exited;
    assert.equal((rootHello.error as { code: string }).code, 'libbpf-missing');
  });

  it('requests sent faster than it answers are refused past 64 open ones ("busy"), each answered, and it goes on', async () => {
    const h = rawHelper(user.env);
    const n = 200;
    h.child.stdin.write(Array.from({ length: n }, (_, i) => `{"id":${i + 1},"method":"hello"}\n`).join(''));
    const replies = await h.replies(n);
    const busy = replies.filter((r) => (r.error as { code?: string } | undefined)?.code === 'busy');
    assert.equal(replies.length, n, 'every request gets a reply');
    assert.ok(busy.length >= n - 64 && busy.length < n, `${busy.length} refused as busy`);
    assert.match((busy[0].error as { message: string }).message, /64 requests are already queued or running/);
    h.child.stdin.write('{"id":1000,"method":"hello"}\n');
    const after = await h.replies(n + 1);
    assert.ok(after[n].result, `a request after the burst is served: ${JSON.stringify(after[n])}`);
    h.child.stdin.end();
    await h.exited;
  });

  it('a root client under sudo (SUDO_UID in its own environment) starts its helper as root, not as that user', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, user.env);
    const helper = new HelperClient({ helperPath: HELPER });
    try {
      const hello = await helper.hello();
      assert.deepEqual([hello.uid, hello.limits, hello.redacted], [0, null, false]);
    } finally {
      for (const k of Object.keys(user.env)) if (!(k in saved)) delete process.env[k];
      await helper.close();
    }
  });

  it('--capabilities=<subset> for a user keeps exactly that subset, and the verifier judges with it', async () => {
    const CAP_BPF = 1n << 39n;
    const CAP_PERFMON = 1n << 38n;
    for (const [set, mask] of [['bpf', CAP_BPF], ['bpf+perfmon', CAP_BPF | CAP_PERFMON]] as const) {
      const h = rawHelper(user.env, [`--capabilities=${set}`]);
      h.child.stdin.write('{"id":1,"method":"hello"}\n');
      const [hello] = await h.replies(1);
      assert.ok(hello.result, `${set}: ${JSON.stringify(hello)} ${h.stderr()}`);
      assert.equal((hello.result as { uid: number }).uid, user.uid);
      const status = readFileSync(`/proc/${h.child.pid}/status`, 'utf8');
      for (const line of ['CapEff', 'CapPrm']) assert.equal(BigInt(`0x${new RegExp(`^${line}:\\s*(\\w+)`, 'm').exec(status)![1]}`), mask, `${set}: ${line}`);
      assert.equal(BigInt(`0x${/^CapInh:\s*(\w+)/m.exec(status)![1]}`), 0n);
      h.child.stdin.end();
      assert.equal((await h.exited).code, 0);
    }
    for (const [set, rejected] of [['bpf', true], ['bpf+perfmon', false]] as const) {
      const helper = new HelperClient({ helperPath: HELPER, env: user.env, capabilities: set });
      try {
        const r = await helper.verify({ path: obj.padding, program: 'padding', logLevel: 1 });
        assert.equal(r.errno !== 0, rejected, `${set}: errno ${r.errno}`);
        if (rejected) assert.match(Buffer.concat(r.log).toString(), /read from stack/);
      } finally {
        await helper.close();
      }
    }
  });

  it('ends when its parent dies (PR_SET_PDEATHSIG), even with its stdin still open', async () => {
    const parent = spawn('/bin/sh', ['-c', `"${process.execPath}" "${HELPER}"; exit $?`], { env: { ...process.env, ...user.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    parent.stdout.on('data', (b: Buffer) => { out += b; });
    parent.stdin.write('{"id":1,"method":"hello"}\n');
    // node's start under sh answers in about 2 s on a loaded machine: 200 tries of 20 ms (4 s) were too close
    for (const deadline = Date.now() + 30_000; !out.includes('"pid"') && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20));
    assert.match(out, /"pid"/, 'the helper answered hello');
    const pid = JSON.parse(out.split('\n')[0]).result.pid as number;
    assert.notEqual(pid, parent.pid);
    parent.kill('SIGKILL');
    assert.ok(await waitGone(pid), 'the helper followed its parent');
  });

  it('null, numbers, arrays, bad ids and a 2 MiB line get error replies; the helper keeps serving', async () => {
    const h = rawHelper(user.env);
    h.child.stdin.write(['null', '42', '[1,2]', '"hi"', '{"id":"x","method":"hello"}', '{"id":3,"method":"nope"}', '{"id":4,"method":"list","params":[1]}', '{not json'].join('\n') + '\n');
    h.child.stdin.write('x'.repeat(2 * 1024 * 1024) + '\n');
    h.child.stdin.write('['.repeat(500_000) + ']'.repeat(500_000) + '\n'); // nested as deep as 1 MiB allows
    h.child.stdin.write('{"id":9,"method":"hello"}\n');
    const r = await h.replies(11);
    assert.deepEqual(r.slice(0, 10).map((x) => [x.id, (x.error as { code: string }).code]), [
      [null, 'usage'], [null, 'usage'], [null, 'usage'], [null, 'usage'], [null, 'usage'], [3, 'usage'], [4, 'usage'], [null, 'usage'], [null, 'usage'], [null, 'usage']]);
    assert.match((r[0].error as { message: string }).message, /null, not a request object/);
    assert.match((r[8].error as { message: string }).message, /over the 1048576-byte limit/);
    assert.equal((r[10].result as { uid: number }).uid, user.uid);
    h.child.stdin.end();
    assert.equal((await h.exited).code, 0);
  });

  it('a cancel of an id that is neither queued nor running is not kept: a later request with that id runs', async () => {
    const h = rawHelper(user.env);
    h.child.stdin.write('{"id":20,"method":"cancel","params":{"id":7}}\n');
    h.child.stdin.write(`${JSON.stringify({ id: 7, method: 'verifyAll', params: { path: obj.count_ok, logLevel: 1 } })}\n`);
    const [cancel, run] = await h.replies(2);
    assert.deepEqual(cancel, { id: 20, result: { cancelled: 7 } });
    assert.equal(run.id, 7);
    assert.equal(run.error, undefined, JSON.stringify(run.error));
    assert.deepEqual((run.result as { results: { program: string; errno: number }[] }).results.map((r) => [r.program, r.errno]), [['count_ok', 0]]);
    h.child.stdin.end();
    assert.equal((await h.exited).code, 0);
  });

  it('a FIFO, a device, a directory and a socket are each refused with their own message, at once', async () => {
    const fifo = path.join(dir, 'pipe.o');
    spawnSync('mkfifo', [fifo]);
    const sock = path.join(dir, 'sock.o');
    spawnSync('python3', ['-c', `import socket; s=socket.socket(socket.AF_UNIX); s.bind(${JSON.stringify(sock)})`]);
    const helper = new HelperClient({ helperPath: HELPER, env: user.env, timeoutMs: 10_000 });
    try {
      const cases: [string, RegExp][] = [[fifo, /is a named pipe \(FIFO\), not a BPF object file/], ['/dev/null', /is a character device, not a BPF object file/],
        [dir, /is a directory, not a BPF object file/], [sock, /is a socket, not a BPF object file/]];
      for (const [file, message] of cases) {
        await assert.rejects(helper.verify({ path: file, program: 'count_ok', logLevel: 1 }), (e: Error & { code?: string }) => e.code === 'not-an-object' && message.test(e.message));
      }
    } finally {
      await helper.close();
    }
  });

  it('a path swapped during requests (object, poisoned object, FIFO, device, directory) is refused or loaded as the bytes checked', async () => {
    const poisoned = path.join(dir, 'poisoned.o');
    writeFileSync(poisoned, poisonBtf(readFileSync(obj.count_ok)));
    const fifo = path.join(dir, 'race-pipe');
    spawnSync('mkfifo', [fifo]);
    const target = path.join(dir, 'race.o');
    const swapper = spawn(process.execPath, ['-e', `
      const fs = require('fs'); const targets = ${JSON.stringify([obj.count_ok, poisoned, fifo, '/dev/zero', dir])};
      for (let i = 0; ; i++) { const tmp = ${JSON.stringify(target)} + '.tmp'; try { fs.unlinkSync(tmp); } catch {}
        fs.symlinkSync(targets[i % targets.length], tmp); fs.renameSync(tmp, ${JSON.stringify(target)}); }`]);
    const helper = new HelperClient({ helperPath: HELPER, env: user.env, timeoutMs: 10_000 });
    const seen: Record<string, number> = {};
    try {
      const { pid } = await helper.hello();
      for (let i = 0; i < 400; i++) {
        try {
          const out = await helper.verify({ path: target, program: 'count_ok', logLevel: 1 });
          assert.equal(out.errno, 0, 'only the good object loads');
          seen.loaded = (seen.loaded ?? 0) + 1;
        } catch (e) {
          const { code, message } = e as Error & { code: string };
          assert.ok(['not-an-object', 'file-not-found'].includes(code), `${code}: ${message}`);
          const kind = /corrupt \.BTF/.test(message) ? 'poisoned' : /FIFO/.test(message) ? 'fifo' : /device/.test(message) ? 'device' : /directory/.test(message) ? 'directory' : code;
          seen[kind] = (seen[kind] ?? 0) + 1;
        }
      }
      assert.equal((await helper.hello()).pid, pid, 'the same helper answered all 400: it never crashed');
    } finally {
      swapper.kill();
      await helper.close();
    }
    console.log(`swap race, 400 requests: ${JSON.stringify(seen)}`);
    assert.ok(seen.loaded > 0 && seen.poisoned > 0 && (seen.fifo ?? 0) + (seen.device ?? 0) + (seen.directory ?? 0) > 0, JSON.stringify(seen));
  });

  it('a log returned to the user holds no kernel address; map=NAME stays; the parser reads it as root\'s', async () => {
    const asUser = new HelperClient({ helperPath: HELPER, env: user.env });
    const asRoot = new HelperClient({ helperPath: HELPER });
    try {
      const hello = await asUser.hello();
      assert.equal(hello.redacted, true);
      for (const [name, level] of [['count_ok', 2], ['null_deref', 1]] as const) {
        const mine = await asUser.verify({ path: obj[name], program: name, logLevel: level });
        const roots = await asRoot.verify({ path: obj[name], program: name, logLevel: level });
        const text = Buffer.concat(mine.log).toString();
        const rootText = Buffer.concat(roots.log).toString();
        assert.doesNotMatch(text, /0xffff[89a-f][0-9a-f]{11}/, 'no kernel address');
        assert.match(rootText, /\(18\) r1 = 0xffff[0-9a-f]{12}/, 'root sees the kernel\'s own log');
        assert.ok(text.includes(`(18) r1 = ${KERNEL_ADDRESS}`));
        assert.match(text, /map_ptr\(map=packet_count|map=packet_count/);
        const [a, b] = [summarizeLog(text), summarizeLog(rootText)];
        assert.deepEqual([a.messageLines, a.source, a.stats.processedInsns], [b.messageLines, b.source, b.stats.processedInsns]);
        if (name === 'null_deref') assert.equal(a.source?.line, bugLine('null_deref'));
        assert.ok(mine.libbpf.every((m) => !/0xffff[89a-f][0-9a-f]{11}/.test(m)));
      }
    } finally {
      await asUser.close();
      await asRoot.close();
    }
  });
});

/** count_ok with its map's VAR pointing at a type that does not exist: libbpf 1.1 dereferences NULL on it. */
function poisonBtf(object: Buffer): Buffer {
  const buf = Buffer.from(object);
  const sec = new ElfFile(buf).section('.BTF')!;
  const btf = new Btf(buf.subarray(sec.offset, sec.offset + sec.size));
  const id = btf.types.findIndex((t) => t.kind === 'VAR');
  assert.ok(id > 0, 'count_ok has a VAR (its map)');
  buf.writeUInt32LE(0x400000, sec.offset + btf.typeOffsets[id] + 8);
  return buf;
}
