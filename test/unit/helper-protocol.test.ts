/**
 * The helper's pure pieces: request framing (size limit, non-request values), kernel-address redaction (and the
 * log engine reading redacted logs as it reads the kernel's), the limits root writes, and the build cache's
 * ownership checks.
 */
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { buildCacheDir, cacheDirPath } from '../../core/build/cache-dir';
import { DEFAULT_LIMITS, LimitExceeded, parseLimitValue, parseLimitsFile } from '../../core/loader/limits';
import { KERNEL_ADDRESS, isKernelAddress, redactLog, redactText } from '../../core/loader/redact';
import { LineSplitter, parseRequestLine } from '../../core/loader/request-reader';
import { analyzeLog } from '../../core/verifier-log/parse';
import { stateAt } from '../../core/verifier-log/state-at';
import { KERNEL_MATRIX, REPO } from '../support/paths';

describe('request framing', () => {
  it('splits lines across chunks and skips a line over the limit, reporting it once', () => {
    const lines: string[] = [];
    const over: number[] = [];
    const s = new LineSplitter((l) => lines.push(l.toString()), (n) => over.push(n), 16);
    s.push(Buffer.from('{"a":1}\n{"b"'));
    s.push(Buffer.from(':2}\n' + 'x'.repeat(10)));
    s.push(Buffer.from('y'.repeat(10) + '\nok\n'));
    assert.deepEqual(lines, ['{"a":1}', '{"b":2}', 'ok']);
    assert.deepEqual(over, [20]);
  });

  it('answers every JSON value that is not a request object with an error, keeping the id when there is one', () => {
    const p = (t: string) => parseRequestLine(Buffer.from(t));
    for (const t of ['null', '7', '[]', '"s"', 'true', '{"method":"hello"}', '{"id":1.5,"method":"hello"}', '{oops']) {
      const r = p(t);
      assert.ok(r && 'error' in r && r.id === null && r.error.code === 'usage', t);
    }
    const bad = p('{"id":4,"method":"rm -rf"}');
    assert.ok(bad && 'error' in bad && bad.id === 4 && /Unknown method/.test(bad.error.message));
    const params = p('{"id":5,"method":"list","params":null}');
    assert.ok(params && 'error' in params && params.id === 5);
    assert.deepEqual(p('{"id":6,"method":"hello"}'), { request: { id: 6, method: 'hello', params: {} } });
    assert.equal(p('   '), null);
  });
});

describe('kernel-address redaction', () => {
  it('tells kernel addresses from masks and small values', () => {
    assert.equal(isKernelAddress(0xffff88810438e400n), true);
    assert.equal(isKernelAddress(0xffffffff81a3c0e0n), true, 'kernel text');
    for (const v of [0xffffffffffffffffn, 0xffffffff00000000n, 0xfffffffffffffff8n, 0x7fffffffffffffffn, 0xffffn]) assert.equal(isKernelAddress(v), false, v.toString(16));
  });

  it('redacts ld_imm64 addresses in place, keeping columns where the kernel padded, and only there', () => {
    const log = [
      '6: (18) r1 = 0xffff88810438e400       ; R1=map_ptr(map=packet_count,ks=4,vs=8)',
      '      6: ..2...6... (18) r1 = 0xffff88810438e400',
      '7: (18) r2 = 0xffffffff00000000      ; R2=0xffffffff00000000',
      '0: (61) r1 = *(u32 *)(r1 +12)         ; R1=scalar(umax=0xfffffffffffffff7,var_off=(0x0; 0xffffffffffffffff))',
      '', ''].join('\n');
    const buf = Buffer.from(log + '\0'.repeat(8));
    const n = redactLog(buf, log.length);
    const out = buf.toString('utf8', 0, n).split('\n');
    assert.equal(out[0], `6: (18) r1 = ${KERNEL_ADDRESS}         ; R1=map_ptr(map=packet_count,ks=4,vs=8)`);
    assert.equal(out[0].indexOf(';'), log.split('\n')[0].indexOf(';'), 'the state column stays put');
    assert.equal(out[1], `      6: ..2...6... (18) r1 = ${KERNEL_ADDRESS}`);
    assert.deepEqual(out.slice(2), log.split('\n').slice(2), 'masks and register bounds are not addresses');
    assert.equal(n, log.length - 2);
    assert.equal(redactText('libbpf: map at 0xffffc90001234000, mask 0xffffffff00000000'), `libbpf: map at ${KERNEL_ADDRESS}, mask 0xffffffff00000000`);
  });

  it('the log engine reads redacted kernel logs as it reads the originals: summary, and every instruction\'s state', () => {
    const files = [...readdirSync(path.join(REPO, 'test', 'fixtures', 'replay')).filter((f) => f.endsWith('.log')).map((f) => path.join(REPO, 'test', 'fixtures', 'replay', f)),
      ...['level1', 'level2'].flatMap((l) => readdirSync(path.join(KERNEL_MATRIX, l)).map((f) => path.join(KERNEL_MATRIX, l, f)))];
    let redactedFiles = 0;
    for (const file of files) {
      const original = readFileSync(file);
      const copy = Buffer.from(original);
      const n = redactLog(copy, copy.length);
      if (n === original.length && copy.equals(original)) continue;
      redactedFiles++;
      const redacted = copy.subarray(0, n);
      assert.doesNotMatch(redacted.toString('latin1'), /\(18\) r\d+ = 0xffff[89a-f][0-9a-f]{11}\b/);
      const a = analyzeLog(original);
      const b = analyzeLog(redacted);
      // the summary quotes instructions (insnText, code frames): there the address reads as redacted
      const stable = (s: typeof a.summary) => JSON.parse(redactText(JSON.stringify({ ...s, stats: s.stats.processedInsns })));
      assert.deepEqual(stable(b.summary), stable(a.summary), file);
      assert.equal(b.index.insnLines.length, a.index.insnLines.length, `${file}: same instruction lines`);
      for (let i = 0; i < a.index.insnLines.length; i += Math.max(1, Math.floor(a.index.insnLines.length / 200))) {
        const [sa, sb] = [stateAt(a.index, a.index.insnLines[i]), stateAt(b.index, b.index.insnLines[i])];
        assert.deepEqual(sb && [sb.insn, [...sb.state.regs], [...sb.state.stack]], sa && [sa.insn, [...sa.state.regs], [...sa.state.stack]], `${file}: state at instruction line ${i}`);
      }
    }
    assert.ok(redactedFiles >= 5, `${redactedFiles} logs with kernel addresses`);
  });
});

describe('limits root sets', () => {
  it('parses the setup options and limits.json, refusing what it does not know', () => {
    assert.equal(parseLimitValue('mapMemory', '512MiB'), 512 * 1024 * 1024);
    assert.throws(() => parseLimitValue('logBuffer', '1g'), /between 64\.0 KiB and 1024\.0 MiB/, '1 GiB is over the kernel\'s log_size limit');
    assert.equal(parseLimitValue('logBuffer', '1023m'), 1023 * 1024 * 1024);
    assert.equal(parseLimitValue('verifySeconds', '90s'), 90);
    assert.throws(() => parseLimitValue('helpersPerUser', '0'), /between 1 and 64/);
    assert.throws(() => parseLimitValue('mapMemory', '10s'), /not in bytes/);
    assert.deepEqual(parseLimitsFile('{"helpersPerUser": 3}'), { ...DEFAULT_LIMITS, helpersPerUser: 3 });
    assert.throws(() => parseLimitsFile('{"helpers": 3}'), /unknown limit 'helpers'/);
    const e = new LimitExceeded('mapMemory', 4 * 1024 ** 3, 256 * 1024 ** 2, 'The maps of x.o need about 4.0 GiB');
    assert.match(e.message, /4\.0 GiB asked, over the limit of 256\.0 MiB \(map memory per object\)/);
    assert.match(e.hint, /setup-privileges --install --user \$USER --max-map-memory 4096MiB/);
  });
});

describe('the build cache', () => {
  it('is $XDG_CACHE_HOME/ebpf-debugger, else ~/.cache/ebpf-debugger, created 0700', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'ebpf-cache-'));
    assert.equal(cacheDirPath({ HOME: home }), path.join(home, '.cache', 'ebpf-debugger'));
    assert.equal(cacheDirPath({ HOME: home, XDG_CACHE_HOME: '/x/y' }), '/x/y/ebpf-debugger');
    assert.equal(cacheDirPath({ HOME: home, XDG_CACHE_HOME: 'relative' }), path.join(home, '.cache', 'ebpf-debugger'), 'a relative XDG_CACHE_HOME is ignored');
    const dir = buildCacheDir({ HOME: home });
    assert.equal(readdirSync(path.dirname(dir)).length, 1);
    assert.equal(Number(statSync(dir).mode & 0o777), 0o700);
    assert.equal(buildCacheDir({ HOME: home }), dir, 'an existing safe cache is used');
  });

  it('refuses an existing cache that others may write to, that is not a directory, or not the user\'s', () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'ebpf-cache-'));
    const writable = path.join(base, 'w');
    mkdirSync(path.join(writable, 'ebpf-debugger'), { recursive: true });
    chmodSync(path.join(writable, 'ebpf-debugger'), 0o777);
    assert.throws(() => buildCacheDir({ XDG_CACHE_HOME: writable }), (e: Error & { code?: string }) => e.code === 'usage' && /writable by others \(mode 777\)[\s\S]*chmod 700/.test(e.message));
    const notDir = path.join(base, 'f');
    mkdirSync(notDir);
    symlinkSync('/etc/hostname', path.join(notDir, 'ebpf-debugger'));
    assert.throws(() => buildCacheDir({ XDG_CACHE_HOME: notDir }), /is not a directory/);
    if (process.getuid?.() === 0) {
      const foreign = path.join(base, 'o');
      mkdirSync(path.join(foreign, 'ebpf-debugger'), { recursive: true, mode: 0o700 });
      chownSync(path.join(foreign, 'ebpf-debugger'), 4242, 4242);
      assert.throws(() => buildCacheDir({ XDG_CACHE_HOME: foreign }), /owned by uid 4242, not by you \(uid 0\)/);
    }
  });
});
