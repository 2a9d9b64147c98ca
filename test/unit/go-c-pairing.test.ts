import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SourceAnalyzer } from '../../core/analyze/analyze-source';

/** Which C struct a Go type is compared with, and how: markers, bpf2go names, project names, packed structs, padding. */

const HEADER = 'package main\n\nimport "github.com/cilium/ebpf"\n\n';
const lookup = (type: string) => `\nfunc read(m *ebpf.Map) {\n\tvar v ${type}\n\t_ = m.Lookup(uint32(0), &v)\n}\n`;

async function lint(c: { text: string; file?: string }[], go: string): Promise<string[]> {
  const a = new SourceAnalyzer();
  for (const f of c) await a.learnC(f.text, f.file);
  const r = await a.analyze('go', go);
  return r.findings.map((f) => `${f.rule}: ${f.message}`);
}

function tmp(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-pair-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('go-c-mismatch pairing', () => {
  const task = 'struct task { __u32 pid; __u64 start; };\n';
  const goTask = `${HEADER}type Task struct {\n\tPid   uint32\n\tStart uint32\n}\n${lookup('Task')}`;

  it("never by bare name with a kernel header's struct (vmlinux.h); by name with the project's own; by marker with either", async () => {
    const dir = tmp({});
    const kernel = { text: `#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n${task}#endif\n`, file: path.join(dir, 'vmlinux.h') };
    assert.deepEqual((await lint([kernel], goTask)).filter((f) => f.startsWith('go-c-mismatch')), []);
    const own = { text: task, file: path.join(dir, 'task.h') };
    assert.match((await lint([own], goTask)).find((f) => f.startsWith('go-c-mismatch'))!, /Task does not match struct task \(paired because it is passed to m\.Lookup, and named like struct task\)/);
    const marked = goTask.replace('type Task', '//ebpf:struct task\ntype Task');
    assert.match((await lint([kernel], marked)).find((f) => f.startsWith('go-c-mismatch'))!, /paired because it is marked \/\/ebpf:struct task/);
  });

  it('an edited C document replaces what its file defined (the language server learns each analysis)', async () => {
    const dir = tmp({ 'inc/task.h': task, 'go.mod': 'module example.com/e\n\ngo 1.19\n' });
    const file = path.join(dir, 'inc/task.h');
    const go = { file: path.join(dir, 'main.go') };
    const a = new SourceAnalyzer();
    await a.learnC(task, path.relative(process.cwd(), file)); // the CLI passes paths as given
    assert.deepEqual((await a.analyze('go', goTask, go)).findings.map((f) => f.rule), ['go-c-mismatch']);
    const text = 'struct task { __u32 pid; __u32 start; };\n';
    const edited = await a.analyze('c', text, { file, document: 'file:///task.h' });
    a.learnCModel(edited.cModel!);
    // the module's scan still reads the old text from disk: the edited document wins
    assert.deepEqual((await a.analyze('go', goTask, go)).findings.map((f) => f.rule), []); // Start is 4 bytes on both sides now
  });

  it('a name two C files define differently pairs with the nearer one, and not at all when they are as near', async () => {
    const dir = tmp({ 'go.mod': 'module example.com/x\n\ngo 1.19\n', 'a/prog.c': task, 'b/prog.c': 'struct task { __u32 pid; __u32 start; };\n', 'a/main.go': goTask, 'main.go': goTask });
    const a = new SourceAnalyzer();
    const near = await a.analyze('go', goTask, { file: path.join(dir, 'a/main.go') });
    assert.deepEqual(near.findings.map((f) => f.rule), ['go-c-mismatch']); // a/prog.c's task: start is 8 bytes there
    const between = await a.analyze('go', goTask, { file: path.join(dir, 'main.go') });
    assert.deepEqual(between.findings.map((f) => f.rule), []); // a/ and b/ are as near, and disagree
  });
});

describe('packed C structs and explicit padding', () => {
  const packed = { text: 'struct flow_key {\n\t__u8 proto;\n\t__u32 addr;\n\t__u16 port;\n} __attribute__((packed));\n' };

  it('a Go type mirrors a packed struct exactly when its encoding/binary layout equals the C layout: no go-implicit-padding', async () => {
    const go = `${HEADER}type FlowKey struct {\n\tProto uint8\n\tAddr  uint32\n\tPort  uint16\n}\n${lookup('FlowKey')}`;
    assert.deepEqual(await lint([packed], go), []);
    const wrong = go.replace('Port  uint16', 'Port  uint32');
    const [f, ...rest] = await lint([packed], wrong);
    assert.deepEqual(rest, []);
    assert.match(f, /^go-c-mismatch: FlowKey does not match struct flow_key \(packed\) \(as encoding\/binary lays it out, which is what cilium\/ebpf sends\) .*size 9 in Go, 7 in C; FlowKey\.Port \(offset 5, 4 bytes\) vs flow_key\.port \(offset 5, 2 bytes\)/);
  });

  it('without the C struct, the same Go type is go-implicit-padding (most C structs are not packed)', async () => {
    const go = `${HEADER}type FlowKey struct {\n\tProto uint8\n\tAddr  uint32\n\tPort  uint16\n}\n${lookup('FlowKey')}`;
    assert.deepEqual((await lint([], go)).map((f) => f.split(':')[0]), ['go-implicit-padding']);
  });

  it('blank Go fields pair with C padding members (__pad0[3], _pad, reserved) by offset and size', async () => {
    const c = { text: 'struct rec {\n\t__u8 kind;\n\t__u8 __pad0[3];\n\t__u32 pid;\n\t__u16 port;\n\t__u16 _pad;\n\t__u32 reserved[3];\n\t__u64 ts;\n};\n' };
    const go = `${HEADER}type Rec struct {\n\tKind uint8\n\t_    [3]byte\n\tPid  uint32\n\tPort uint16\n\t_    [2]byte\n\t_    [12]byte\n\tTs   uint64\n}\n${lookup('Rec')}`;
    assert.deepEqual(await lint([c], go), []);
    // bpf2go's spelling of the padding members pairs by name
    assert.deepEqual(await lint([c], go.replace('\t_    [3]byte', '\tPad0 [3]uint8').replace('\t_    [12]byte', '\tReserved [3]uint32')), []);
    // a named Go field at a C padding member's offset and of its size stands for it, whatever its name
    const net = { text: 'struct net_rec3 {\n\t__u8 args[2];\n\t__u8 unused1[2];\n\t__u32 err;\n};\n' };
    const mirror = `${HEADER}//ebpf:struct net_rec3\ntype NetRec struct {\n\tArgs [2]uint8\n\tPad1 [2]uint8\n\tErr  uint32\n}\n${lookup('NetRec')}`;
    assert.deepEqual(await lint([net], mirror), []);
    assert.match((await lint([net], mirror.replace('Pad1 [2]uint8', 'Pad1 [3]uint8'))).join('\n'), /NetRec\.Pad1 \(offset 2, 3 bytes\) has no C field/);
    // a blank field left out: memory still matches C, encoding/binary's layout does not
    const omitted = await lint([c], go.replace('\t_    [2]byte\n', ''));
    assert.deepEqual(omitted.map((f) => f.split(':')[0]), ['go-implicit-padding']);
    assert.match(omitted[0], /padding \(2 bytes at offset 22\)/);
    // a blank field of the wrong size moves the fields after it
    const [mismatch] = await lint([c], go.replace('\t_    [12]byte', '\t_    [4]byte'));
    assert.match(mismatch, /^go-c-mismatch: Rec does not match struct rec .*size 24 in Go, 32 in C; Rec\.Ts \(offset 16, 8 bytes\) vs rec\.ts \(offset 24, 8 bytes\)/);
  });
});

describe('hand-written mirrors in other packages of the module', () => {
  const bpf = 'struct msg_execve_key {\n\t__u32 pid;\n\t__u8 pad[4];\n\t__u64 ktime;\n};\nstruct config {\n\t__u32 rate;\n\t__u32 burst;\n};\n';

  it('pkg/ types pair by snake/camel name among the module\'s C sources when their fields agree, and are compared', async () => {
    const good = 'package api\n\ntype MsgExecveKey struct {\n\tPid   uint32\n\tPad   [4]uint8\n\tKtime uint64\n}\n';
    const dir = tmp({ 'go.mod': 'module example.com/agent\n\ngo 1.19\n', 'bpf/process/bpf_execve.c': `#include "types.h"\n`, 'bpf/process/types.h': bpf,
      'pkg/api/processapi.go': good, 'vendor/x/other.h': 'struct msg_execve_key { __u8 pid; };\n' });
    const file = path.join(dir, 'pkg/api/processapi.go');
    const a = new SourceAnalyzer();
    assert.deepEqual((await a.analyze('go', good, { file })).findings, []);
    assert.ok(a.goMirrors.has('msg_execve_key'), 'the C rules learn that Go mirrors msg_execve_key');
    const bad = good.replace('Ktime uint64', 'Ktime uint32');
    const [f, ...rest] = (await a.analyze('go', bad, { file })).findings;
    assert.deepEqual(rest, []);
    assert.equal(f.rule, 'go-c-mismatch');
    assert.match(f.message, /^MsgExecveKey does not match struct msg_execve_key \(paired because it is named like struct msg_execve_key of types\.h, with the same field names\): size 12 in Go, 16 in C; MsgExecveKey\.Ktime \(offset 8, 4 bytes\) vs msg_execve_key\.ktime \(offset 8, 8 bytes\)\./);
  });

  it('a same-named type whose fields do not agree, or that holds strings (a JSON config), is not a mirror', async () => {
    const cfg = 'package config\n\ntype Config struct {\n\tName  string\n\tRate  uint32\n\tBurst uint32\n}\n\ntype Other struct {\n\tLimit uint16\n\tLevel uint16\n}\n';
    const dir = tmp({ 'go.mod': 'module example.com/agent\n\ngo 1.19\n', 'bpf/types.h': `${bpf}struct other { __u32 a; __u32 b; };\n`, 'pkg/config/config.go': cfg });
    assert.deepEqual((await new SourceAnalyzer().analyze('go', cfg, { file: path.join(dir, 'pkg/config/config.go') })).findings, []);
  });
});
