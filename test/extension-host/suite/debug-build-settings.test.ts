/**
 * A debug session of a .bpf.c builds the way the settings say, as Verify Object does: ebpf.defines reach its clang
 * (a program rejected only with -DBUG), and ebpf.clang.path names the clang it runs (a wrapper that records its
 * arguments, then is clang). The client puts them in the launch configuration (client/debug.ts); the adapter's side
 * is test/dap/build-tools.test.ts.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { api, endDebugSessions, startDebugSession, waitFor, workspaceFile } from '../support';

// without BUG the lookup is checked; with it, the NULL check is compiled out and the verifier rejects the dereference
const SOURCE = '#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n\nstruct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__uint(max_entries, 64);\n'
  + '\t__type(key, __u32);\n\t__type(value, __u64);\n} seen SEC(".maps");\n\nSEC("xdp")\nint defines_prog(struct xdp_md *ctx)\n{\n'
  + '\t__u32 key = ctx->ingress_ifindex;\n\t__u64 *count = bpf_map_lookup_elem(&seen, &key);\n\n#ifndef BUG\n\tif (!count)\n\t\treturn XDP_PASS;\n#endif\n'
  + '\t*count += 1;\n\treturn XDP_PASS;\n}\n\nchar LICENSE[] SEC("license") = "GPL";\n';

const config = () => vscode.workspace.getConfiguration();
const Workspace = vscode.ConfigurationTarget.Workspace;

describe('debug sessions build with the settings', () => {
  const src = workspaceFile('debug_defines.bpf.c');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-ext-clang-'));
  before(() => writeFileSync(src.fsPath, SOURCE));
  after(async () => {
    for (const key of ['ebpf.defines', 'ebpf.clang.path']) await config().update(key, undefined, Workspace);
    await endDebugSessions();
    rmSync(src.fsPath, { force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  /** The verdict of defines_prog from one debug session started now. */
  async function sessionVerdict(name: string): Promise<string> {
    const { verdicts } = await api();
    const since = Date.now();
    const session = await startDebugSession({ name, program: src.fsPath });
    const entry = await waitFor(`${name}'s verdict`, () => {
      const e = verdicts.latest(src.fsPath, 'defines_prog');
      return e && e.origin === 'debug' && e.at >= since && e;
    }, 90_000);
    await endDebugSessions(session);
    return entry.program.verdict;
  }

  it('ebpf.defines: -DBUG makes the session build the unchecked program, which the verifier rejects', async function () {
    this.timeout(200_000);
    await config().update('ebpf.defines', undefined, Workspace);
    assert.equal(await sessionVerdict('defines: none'), 'accepted', 'without BUG the program is checked');
    await config().update('ebpf.defines', ['BUG'], Workspace);
    assert.equal(await sessionVerdict('defines: BUG'), 'rejected', 'ebpf.defines ["BUG"] reached the session\'s clang');
    await config().update('ebpf.defines', undefined, Workspace);
  });

  it('ebpf.clang.path: the session runs that clang', async function () {
    this.timeout(120_000);
    const calls = path.join(dir, 'calls.txt');
    const wrapper = path.join(dir, 'clang-wrapper');
    writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$@" >> '${calls}'\nexec clang "$@"\n`);
    chmodSync(wrapper, 0o755);
    await config().update('ebpf.clang.path', wrapper, Workspace);
    assert.equal(await sessionVerdict('clang path'), 'accepted');
    assert.ok(readFileSync(calls, 'utf8').split('\n').includes(src.fsPath), 'the wrapper built the session\'s source');
    await config().update('ebpf.clang.path', undefined, Workspace);
  });
});
