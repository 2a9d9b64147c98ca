import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseDepFile, recipeArgs } from '../../server/verify-on-save-build';
import { CompileCommands } from '../../core/analyze/compile-commands';
import type { ProgramReport } from '../../core/verify/report';
import { mergeWithLintActions, pastReject, VERIFIED_SUFFIX } from '../../server/verify-on-save-fixes';

describe('verify on save: build recipe', () => {
  it('reads clang\'s dependency file: continuation lines and escaped spaces', () => {
    assert.deepEqual(parseDepFile('/c/x.o: /w/x.bpf.c /usr/include/linux/bpf.h \\\n  /w/my\\ dir/common.h \\\n /w/b.h\n'),
      ['/w/x.bpf.c', '/usr/include/linux/bpf.h', '/w/my dir/common.h', '/w/b.h']);
  });

  it('passes the configured include paths (from the workspace), defines and cflags after the database\'s', () => {
    const args = recipeArgs('/nowhere/x.bpf.c', { clang: 'clang', bpftool: 'bpftool', includePaths: ['inc', '/abs'], defines: ['DEBUG', 'N=3'], cflags: ['-Wall', '-DLATE'], workspaceRoot: '/w' }, new CompileCommands());
    assert.deepEqual(args, ['-I', '/w/inc', '-I', '/abs', '-DDEBUG', '-DN=3', '-Wall', '-DLATE']);
  });

  it('takes the -I and -D of the file\'s compile_commands.json entry first', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-vos-db-'));
    try {
      const file = path.join(dir, 'x.bpf.c');
      writeFileSync(path.join(dir, 'compile_commands.json'), JSON.stringify([{ directory: dir, file: 'x.bpf.c',
        command: 'clang -g -O2 -target bpf -Iinclude -DFEATURE=2 -UOLD -c x.bpf.c -o x.o' }]));
      const args = recipeArgs(file, { clang: 'clang', bpftool: 'bpftool', includePaths: [], defines: ['MORE'], cflags: [] }, new CompileCommands());
      assert.deepEqual(args, ['-I', path.join(dir, 'include'), '-DFEATURE=2', '-UOLD', '-DMORE']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('verify on save: verified fixes', () => {
  const reject = (explanation: string | null) => ({ program: 'p', explanation });
  const report = (verdict: 'accepted' | 'rejected', id?: string) => ({ verdict, explanation: id ? { id } : null }) as unknown as ProgramReport;

  it('says "past the reject" only when the kernel accepts, or refuses something of another known kind', () => {
    assert.equal(pastReject(reject('null-deref'), report('accepted')), true);
    assert.equal(pastReject(reject('null-deref'), report('rejected', 'packet-bounds')), true);
    assert.equal(pastReject(reject('null-deref'), report('rejected', 'null-deref')), false, 'the same reject (maybe another register)');
    assert.equal(pastReject(reject('null-deref'), report('rejected')), false, 'an unknown message: not claimed');
    assert.equal(pastReject(reject(null), report('rejected', 'null-deref')), false);
    assert.equal(pastReject(reject('null-deref'), null), false, 'not verified at all');
  });

  it('merges a verifier fix with the lint quick fix making the same edits: one action for both diagnostics', () => {
    const edit = { changes: { 'file:///x.c': [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, newText: 'if (!p) return 0;\n' }] } };
    const lintDiag = { range: edit.changes['file:///x.c'][0].range, message: 'p may be NULL', source: 'ebpf' };
    const verifierDiag = { ...lintDiag, message: 'invalid mem access', source: 'eBPF verifier' };
    const merged = mergeWithLintActions(
      [{ title: 'Return early when p is NULL', edit: structuredClone(edit), diagnostics: [lintDiag], isPreferred: true }],
      [{ title: `Return early when p is NULL${VERIFIED_SUFFIX}`, edit: structuredClone(edit), diagnostics: [verifierDiag], isPreferred: true },
        { title: 'Another', edit: { changes: {} }, diagnostics: [verifierDiag], isPreferred: false }]);
    assert.deepEqual(merged.map((a) => [a.title, a.diagnostics?.length]), [['Return early when p is NULL (verified by the kernel)', 2], ['Another', 1]]);
  });
});
