import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildBpfSource } from '../../core/build/clang';
import { HelperClient } from '../../core/loader/helper-client';
import type { ProgramReport } from '../../core/verify/report';
import { examplePath } from '../support/examples';
import { DIST } from '../support/paths';
import { runCli } from '../support/run-cli';

describe('object-aware CLI: layout --btf, log --object, GO_SYM lines', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-obj-cli-'));
  const helper = new HelperClient({ helperPath: path.join(DIST, 'helper.js') });
  let padded: string;
  let subprog: string;
  let log: Buffer;
  before(async () => {
    padded = (await buildBpfSource(examplePath('padded_key'))).object;
    subprog = (await buildBpfSource(examplePath('subprog_reject'))).object;
    log = Buffer.concat((await helper.verify({ path: subprog, program: 'subprog_reject', logLevel: 1 })).log);
  });
  after(() => helper.close());

  it('layout --btf --json prints the issue\'s shape with holes', () => {
    const r = runCli(['layout', '--btf', padded, '--struct', 'flow_key', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const { structs } = JSON.parse(r.stdout);
    assert.deepEqual(structs, [{
      name: 'struct flow_key', language: 'c', size: 24, align: 8,
      fields: [
        { name: 'protocol', type: '__u8', offset: 0, size: 1, align: 1 },
        { name: 'saddr', type: '__u32', offset: 4, size: 4, align: 4 },
        { name: 'sport', type: '__u16', offset: 8, size: 2, align: 2 },
        { name: 'ifindex', type: '__u64', offset: 16, size: 8, align: 8 },
      ],
      holes: [{ offset: 1, size: 3 }, { offset: 10, size: 6 }],
    }]);
  });

  it('layout --btf human output marks each hole, pahole-style; bad input is a usage error', () => {
    const r = runCli(['layout', '--btf', padded, '--struct', 'flow_key']);
    assert.match(r.stdout, /XXX 3 byte hole at 1/);
    assert.match(r.stdout, /XXX 6 byte hole at 10/);
    assert.equal(runCli(['layout', '--btf', padded, '--struct', 'nope']).code, 2);
    const junk = path.join(dir, 'junk.o');
    writeFileSync(junk, 'junk');
    const bad = runCli(['layout', '--btf', junk]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not an ELF file/);
  });

  it('log --object maps the reject through line_info, with the column', () => {
    const f = path.join(dir, 'subprog.log');
    writeFileSync(f, log);
    const p = JSON.parse(runCli(['log', f, '--object', subprog, '--json']).stdout).programs[0] as ProgramReport;
    assert.equal(p.locationSource, 'line_info');
    assert.deepEqual(p.location, { file: examplePath('subprog_reject'), line: 19, column: 13 });
  });

  it('GO_SYM: resolved through the object\'s ELF symbol when it has one', () => {
    const f = path.join(dir, 'gosym-elf.log');
    // account+0x18: the 4th instruction of account, `r3 = *(u64 *)(r1 +8)` on line 20
    writeFileSync(f, Buffer.concat([log, Buffer.from('GO_SYM: account+0x18\n')]));
    const p = JSON.parse(runCli(['log', f, '--object', subprog, '--json']).stdout).programs[0] as ProgramReport;
    assert.equal(p.symbols.length, 1);
    assert.deepEqual([p.symbols[0].symbol, p.symbols[0].insnOffset, p.symbols[0].resolvedVia], ['account', 3, 'elf-symbol']);
    assert.equal(p.symbols[0].location?.line, 20);
  });

  it('GO_SYM: otherwise found in the workspace\'s Go sources (package and function from the symbol)', () => {
    const ws = path.join(dir, 'ws');
    mkdirSync(path.join(ws, 'cmd'), { recursive: true });
    writeFileSync(path.join(ws, 'cmd', 'main.go'), 'package main\n\nimport "fmt"\n\nfunc helper() {}\n\nfunc process(x int) error {\n\treturn fmt.Errorf("%d", x)\n}\n');
    writeFileSync(path.join(ws, 'other.go'), 'package other\n\nfunc process() {}\n');
    const f = path.join(ws, 'reject.log');
    writeFileSync(f, Buffer.concat([log, Buffer.from('GO_SYM: main.process+0x28\n')]));
    const p = JSON.parse(runCli(['log', f, '--object', subprog, '--json']).stdout).programs[0] as ProgramReport;
    assert.deepEqual([p.symbols[0].insnOffset, p.symbols[0].resolvedVia], [5, 'go-source']);
    assert.deepEqual(p.symbols[0].location, { file: path.join(ws, 'cmd', 'main.go'), line: 7, column: 1 });
  });
});
