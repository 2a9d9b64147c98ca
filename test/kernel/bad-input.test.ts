import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { buildBpfSource } from '../../core/build/clang';
import { ElfFile } from '../../core/elf/elf-reader';
import { examplePath } from '../support/examples';
import { REPO } from '../support/paths';
import { runCli } from '../support/run-cli';

const BAD = path.join(REPO, 'test', 'programs', 'bad');

/** Every kind of bad input the loader can meet gets its own message and exit code, never a crash. */
describe('bad input to the loader', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-bad-'));
  let good: string;
  before(async () => { good = (await buildBpfSource(examplePath('count_ok'))).object; });

  const expectUsage = (args: string[], message: RegExp) => {
    const r = runCli(args);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /internal error|at .*\.js:\d+/, 'no stack trace');
  };

  it('a missing file', () => expectUsage(['verify', path.join(dir, 'nope.o')], /no such file/));
  it('a directory without objects', () => expectUsage(['verify', dir], /holds no \*\.bpf\.c source or \*\.bpf\.o object/));
  it('a file that is not ELF', () => {
    writeFileSync(path.join(dir, 'text.o'), 'just some text');
    expectUsage(['verify', path.join(dir, 'text.o')], /is not a BPF object: not an ELF file[\s\S]*clang -g -O2 -target bpf/);
  });
  it('an ELF object for another machine', () => {
    writeFileSync(path.join(dir, 'x86.c'), 'int f(void) { return 1; }\n');
    execFileSync('clang', ['-c', path.join(dir, 'x86.c'), '-o', path.join(dir, 'x86.o')]);
    expectUsage(['verify', path.join(dir, 'x86.o')], /is an x86-64 object, not a BPF one/);
  });
  it('an object without programs', () => expectUsage(['verify', path.join(BAD, 'no_programs.bpf.c')], /holds no BPF program[\s\S]*SEC\("xdp"\)/));
  it('a corrupt .BTF section', () => {
    const obj = path.join(dir, 'corrupt.o');
    copyFileSync(good, obj);
    const buf = readFileSync(obj);
    const btf = new ElfFile(buf).section('.BTF')!;
    buf.writeUInt32LE(0x7fffffff, btf.offset + 8); // hdr_len + type_off far past the section
    writeFileSync(obj, buf);
    expectUsage(['verify', obj], /corrupt \.BTF section/);
  });

  it('a section type libbpf does not know: an error verdict that names the section and what to use', () => {
    const r = runCli(['verify', path.join(BAD, 'unknown_section.bpf.c'), '--json']);
    assert.equal(r.code, 1);
    const p = JSON.parse(r.stdout).programs[0];
    assert.equal(p.verdict, 'error');
    assert.match(p.message, /section name 'frobnicate' is not a program type libbpf knows[\s\S]*SEC\("xdp"\)/);
  });

  it('a program whose attach target is missing: an error verdict that names the target', () => {
    const r = runCli(['verify', path.join(BAD, 'missing_attach_target.bpf.c'), '--json']);
    const p = JSON.parse(r.stdout).programs[0];
    assert.deepEqual([p.verdict, p.errnoName], ['error', 'ESRCH']);
    assert.match(p.message, /attach target 'no_such_kernel_function_xyz' does not exist in this kernel's BTF/);
  });
});
