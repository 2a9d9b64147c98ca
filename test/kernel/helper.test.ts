import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildBpfSource } from '../../core/build/clang';
import { HelperClient } from '../../core/loader/helper-client';
import { summarizeLog } from '../../core/verifier-log/parse';
import { kernelObjectsQuiet, kernelObjectsSettled } from '../support/bpf-objects';
import { bugLine, examplePath } from '../support/examples';
import { DIST } from '../support/paths';

describe('loader helper against the running kernel', () => {
  const helper = new HelperClient({ helperPath: path.join(DIST, 'helper.js') });
  const objects: Record<string, string> = {};
  let before_: Awaited<ReturnType<typeof kernelObjectsQuiet>>;

  before(async () => {
    before_ = await kernelObjectsQuiet();
    for (const name of ['count_ok', 'null_deref', 'subprog_reject']) objects[name] = (await buildBpfSource(examplePath(name))).object;
  });
  after(async () => {
    await helper.close();
  });

  it('hello reports this kernel and a libbpf 1.x', async () => {
    const hello = await helper.hello();
    assert.equal(hello.kernel, os.release());
    assert.match(hello.libbpf, /^1\.\d+$/);
    assert.equal(hello.uid, process.getuid!());
  });

  it('lists the programs and maps of an object', async () => {
    const list = await helper.list(objects.count_ok);
    assert.deepEqual(list.programs.map((p) => [p.name, p.section]), [['count_ok', 'xdp']]);
    assert.deepEqual(list.maps.map((m) => m.name), ['packet_count']);
    assert.ok(list.programs[0].insnCount > 5);
  });

  it('an accepted program verifies with errno 0 and a stats line', async () => {
    const out = await helper.verify({ path: objects.count_ok, program: 'count_ok', logLevel: 5 });
    assert.equal(out.errno, 0);
    const s = summarizeLog(Buffer.concat(out.log).toString());
    assert.deepEqual(s.messageLines, []);
    assert.ok((s.stats.processedInsns ?? 0) > 0);
    assert.equal(out.logBytes, Buffer.concat(out.log).length);
  });

  it('a rejected program gives EACCES and a log that names the BUG line', async () => {
    const out = await helper.verify({ path: objects.null_deref, program: 'null_deref', logLevel: 1 });
    assert.equal(out.errno, 13);
    const s = summarizeLog(Buffer.concat(out.log).toString());
    assert.deepEqual(s.messageLines, ["R0 invalid mem access 'map_value_or_null'"]);
    assert.equal(s.source?.file, 'null_deref.bpf.c');
    assert.equal(s.source?.line, bugLine('null_deref'));
  });

  it('a reject inside a bpf-to-bpf subprogram maps to the callee line', async () => {
    const out = await helper.verify({ path: objects.subprog_reject, program: 'subprog_reject', logLevel: 2 });
    assert.equal(out.errno, 13);
    const s = summarizeLog(Buffer.concat(out.log).toString());
    assert.equal(s.source?.line, bugLine('subprog_reject'));
  });

  it('bad input gets typed errors, and the helper keeps serving', async () => {
    await assert.rejects(helper.list('/nonexistent/x.o'), { code: 'file-not-found' });
    await assert.rejects(helper.list(os.tmpdir()), { code: 'not-an-object' });
    const junk = path.join(os.tmpdir(), `not-elf-${process.pid}.o`);
    writeFileSync(junk, 'this is not an ELF file');
    await assert.rejects(helper.list(junk), (e: Error & { code?: string }) => e.code === 'not-an-object' && /not a BPF object/.test(e.message));
    await assert.rejects(helper.verify({ path: objects.count_ok, program: 'nope', logLevel: 1 }), { code: 'program-not-found' });
    // no program at all is a usage error naming the object's programs, not "no program named 'undefined'"
    await assert.rejects(helper.verify({ path: objects.count_ok, logLevel: 1 } as unknown as Parameters<typeof helper.verify>[0]),
      (e: { code: string; message: string; hint?: string }) => e.code === 'usage' && /needs params\.program/.test(e.message) && /count_ok/.test(e.hint ?? ''));
    await assert.rejects(helper.verify({ path: objects.count_ok, program: 'count_ok', logLevel: 9 }), { code: 'usage' });
    assert.equal((await helper.hello()).kernel, os.release());
  });

  it('leaves no program or map loaded in the kernel', async () => {
    assert.deepEqual(await kernelObjectsSettled(before_), before_);
  });
});

describe('loader helper when the native pieces are missing', () => {
  it('names the package to install when libbpf.so.1 cannot be loaded', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [path.join(DIST, 'helper.js')], {
      input: '{"id":1,"method":"hello"}\n', encoding: 'utf8', env: { ...process.env, EBPF_DEBUGGER_LIBBPF: '/nonexistent/libbpf.so.1' },
    });
    const reply = JSON.parse(r.stdout.trim());
    assert.equal(reply.error.code, 'libbpf-missing');
    assert.match(reply.error.hint, /apt-get install libbpf1/);
  });
});
