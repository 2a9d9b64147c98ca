/**
 * clang's diagnostics as both editors show them (core/build/clang-diagnostic-shape.ts): from a real clang build that
 * fails with an error and its note in a header, the error at its place and the note as its related location, paths
 * resolved from the source's directory; a failure clang located nowhere still gives one error.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { buildBpfSource, BuildError, type ClangDiagnostic } from '../../core/build/clang';
import { CLANG_SOURCE, shapeClangDiagnostics } from '../../core/build/clang-diagnostic-shape';
import { clangDiagnostics } from '../../server/verify-on-save-diagnostics';

describe('clang diagnostics: errors with their notes, for Problems', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-clang-shape-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function failedBuild(): Promise<{ source: string; header: string; diagnostics: ClangDiagnostic[] }> {
    mkdirSync(path.join(dir, 'inc'), { recursive: true });
    const header = path.join(dir, 'inc', 'limits.h');
    writeFileSync(header, 'static const int limit = 4;\n');
    const source = path.join(dir, 'redef.bpf.c');
    writeFileSync(source, '#include "inc/limits.h"\nstatic const long limit = 8;\nint f(void) { return limit; }\n');
    const e = await buildBpfSource(source, { outDir: dir }).then(() => null, (x: unknown) => x);
    assert.ok(e instanceof BuildError, `the build fails: ${String(e)}`);
    return { source, header, diagnostics: e.diagnostics };
  }

  it('a redefinition\'s "previous definition" note is the error\'s related location, not an entry of its own', async () => {
    const { source, header, diagnostics } = await failedBuild();
    assert.ok(diagnostics.some((d) => d.severity === 'note'), `clang printed a note: ${JSON.stringify(diagnostics)}`);
    const shapes = shapeClangDiagnostics(source, diagnostics, 'clang failed');
    assert.equal(shapes.length, 1, JSON.stringify(shapes));
    const [error] = shapes;
    assert.equal(error.severity, 'error');
    assert.equal(error.file, source);
    assert.equal(error.range.start.line, 1);
    assert.match(error.message, /redefinition of 'limit'/);
    assert.equal(error.related.length, 1);
    assert.equal(error.related[0].file, header, 'the note\'s path is resolved from the source\'s directory');
    assert.equal(error.related[0].range.start.line, 0);
    assert.match(error.related[0].message, /previous definition is here/);

    // verify on save's LSP form: one clang error, its note as related information
    const byUri = clangDiagnostics(diagnostics, source, 'clang failed');
    assert.deepEqual([...byUri.keys()], [`file://${source}`]);
    const [lsp] = byUri.get(`file://${source}`)!;
    assert.equal(lsp.source, CLANG_SOURCE);
    assert.equal(lsp.relatedInformation?.[0].location.uri, `file://${header}`);
    assert.match(lsp.relatedInformation?.[0].message ?? '', /previous definition is here/);
  });

  it('a failure with no located error is one error on the source\'s first line, with the failure\'s message', () => {
    const source = path.join(dir, 'x.bpf.c');
    const warning: ClangDiagnostic = { file: 'x.bpf.c', line: 3, column: 2, severity: 'warning', message: 'unused variable' };
    const shapes = shapeClangDiagnostics(source, [warning], 'error: unable to execute command: Killed');
    assert.deepEqual(shapes.map((s) => [s.severity, s.range.start.line, s.message]), [['warning', 2, 'unused variable'], ['error', 0, 'error: unable to execute command: Killed']]);
    assert.deepEqual(shapeClangDiagnostics(source, [warning]).map((s) => s.severity), ['warning'], 'a successful build\'s warnings alone');
  });
});
