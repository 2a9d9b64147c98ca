/**
 * The extension in a real extension host: it activates for the workspace's .bpf.c files, every command of its
 * manifest is registered, and its language server is running (the padded-key lint reaches Problems, the layout
 * hover answers).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { diagnosticsMatching, extension, hoverText, openInEditor, positionOf, waitFor } from '../support';

describe('activation', () => {
  let editor: vscode.TextEditor;

  before(async () => {
    editor = await openInEditor('padded_key.bpf.c');
  });

  it('activates on its own for a workspace with .bpf.c files and returns its API', async () => {
    const ext = extension();
    // no activate() call here: workspaceContains/onLanguage must have done it
    await waitFor('the extension to activate', () => ext.isActive, 30_000);
    assert.equal(typeof ext.exports, 'object', 'activate() returns the API object for tests');
    assert.equal(editor.document.languageId, 'c');
  });

  it('registers every command its package.json contributes', async () => {
    const contributed = (extension().packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    assert.ok(contributed.length >= 5, `package.json contributes ${contributed.length} commands`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  it('its language server lints a padded hash-map key into Problems at the struct', async () => {
    const doc = editor.document;
    const [diag] = await diagnosticsMatching(doc.uri, /struct flow_key is the key of hash map 'flows'/, 60_000);
    assert.match(diag.message, /9 padding bytes in 2 holes: 3 bytes at offset 1, 6 bytes at offset 10/);
    assert.equal(diag.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(diag.range.start.line, positionOf(doc, 'struct flow_key {').line);
  });

  it('its language server answers a hover on the struct with its layout', async () => {
    const doc = editor.document;
    const text = await waitFor('the layout hover on struct flow_key', async () => {
      const t = await hoverText(doc.uri, positionOf(doc, 'struct flow_key {', 'struct '.length + 2));
      return /24 bytes, align 8/.test(t) && t;
    });
    assert.match(text, /9 bytes padding/);
    assert.match(text, /3 byte hole at 1/);
  });
});
