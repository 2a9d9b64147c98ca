/**
 * package.json's commands and menus against the client's code: a menu entry that names no command, a command nobody
 * registers, or a when-clause on a context key that is never set shows nothing (or a dead entry) without an error.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from '../support/paths';

const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));
const contributes = pkg.contributes;

interface MenuEntry { command: string; when?: string; group?: string; alt?: string }
const menus = contributes.menus as Record<string, MenuEntry[]>;
const commands = contributes.commands as { command: string; title: string; category?: string; icon?: string }[];

function sources(dir: string): { file: string; text: string }[] {
  return readdirSync(path.join(REPO, dir)).filter((f) => f.endsWith('.ts')).map((f) => ({ file: `${dir}/${f}`, text: readFileSync(path.join(REPO, dir, f), 'utf8') }));
}
const client = sources('client');
const core = sources('core');

/** A command id as the client names it: a literal, or an exported constant of client/ or core/. */
function constantValue(name: string): string | undefined {
  for (const { text } of [...client, ...core]) {
    const m = new RegExp(`export const ${name}\\s*=\\s*'([^']+)'`).exec(text);
    if (m) return m[1];
  }
  return undefined;
}

/** Each registered command with the text of its handler's parameter list. */
function registered(): Map<string, string> {
  const out = new Map<string, string>();
  for (const { text } of client) {
    for (const m of text.matchAll(/registerCommand\((?:'([^']+)'|(\w+)),\s*(?:async\s*)?(\([^)]*\)|\w+)/g)) {
      out.set(m[1] ?? constantValue(m[2]) ?? `an unknown constant ${m[2]}`, m[3]);
    }
  }
  return out;
}

/**
 * The context keys of VS Code these menus may use (https://code.visualstudio.com/api/references/when-clause-contexts);
 * the extension's own are those the client sets with setContext.
 */
const VSCODE_CONTEXT_KEYS = new Set([
  'editorLangId', 'editorIsOpen', 'editorTextFocus', 'editorFocus', 'editorHasSelection', 'editorReadonly', 'isInDiffEditor',
  'resourceExtname', 'resourceFilename', 'resourceLangId', 'resourceScheme', 'resourcePath', 'resourceDirname',
  'explorerResourceIsFolder', 'resourceIsFolder', 'view', 'viewItem', 'focusedView', 'isWorkspaceTrusted', 'inDebugMode',
  'debugType', 'debugState', 'activeEditor', 'workbenchState', 'isLinux',
]);
function extensionContextKeys(): Set<string> {
  const keys = new Set<string>();
  for (const { text } of client) for (const m of text.matchAll(/executeCommand\(\s*'setContext',\s*'([^']+)'/g)) keys.add(m[1]);
  return keys;
}

/** The language ids VS Code knows without an extension, plus the ones contributed here. */
const LANGUAGE_IDS = new Set(['c', 'cpp', 'go', 'plaintext', 'log', 'json', 'shellscript',
  ...(contributes.languages as { id: string }[]).map((l) => l.id)]);
const VIEW_IDS = new Set(Object.values((contributes.views ?? {}) as Record<string, { id: string }[]>).flat().map((v) => v.id));

/** The comparisons of a when-clause: `key`, `key == value`, `key != value`, `key =~ /re/`; negations and parentheses dropped. */
function atoms(when: string): { key: string; op?: string; value?: string }[] {
  const out: { key: string; op?: string; value?: string }[] = [];
  for (const part of when.split(/&&|\|\|/)) {
    const t = part.trim().replace(/^[!(\s]+|[)\s]+$/g, '');
    if (t === 'true' || t === 'false') continue;
    const m = /^([A-Za-z][\w.]*)\s*(?:(==|!=|=~)\s*(.+))?$/.exec(t);
    assert.ok(m, `cannot read '${t}' in when-clause '${when}'`);
    out.push({ key: m[1], op: m[2], value: m[3]?.trim() });
  }
  return out;
}

/** The seven commands issue 16 asks for, each in the palette and (all but the two global ones) in a menu. */
const ISSUE_COMMANDS = ['ebpf.verifyObject', 'ebpf.verifyCurrentFile', 'ebpf.openAsVerifierLog', 'ebpf.debugThisLog', 'ebpf.showStructLayout', 'ebpf.setupPrivileges', 'ebpf.showOutput'];
/** Commands that build or load programs, or run a command line as root: never in an untrusted workspace. */
const TRUSTED_COMMANDS = ['ebpf.verifyObject', 'ebpf.verifyCurrentFile', 'ebpf.debugThisLog', 'ebpf.setupPrivileges'];
/** Menus that call the command with the file's Uri as its first argument. */
const URI_MENUS = ['explorer/context', 'editor/title', 'editor/title/context'];

describe('package.json commands and menus', () => {
  const handlers = registered();
  const contributed = new Set(commands.map((c) => c.command));

  it('every contributed command has a handler in client/, and every handler a contribution', () => {
    assert.deepEqual([...contributed].filter((c) => !handlers.has(c)), [], 'contributed but never registered');
    assert.deepEqual([...handlers.keys()].filter((c) => !contributed.has(c)), [], 'registered but not contributed');
  });

  it('every command has a title and the category "eBPF"; those shown as buttons have an icon', () => {
    for (const c of commands) {
      assert.equal(c.category, 'eBPF', c.command);
      assert.ok(c.title.length > 3 && !c.title.startsWith('eBPF'), `${c.command}: the category already says eBPF`);
    }
    const buttons = Object.entries(menus).filter(([where]) => /title$/.test(where))
      .flatMap(([, es]) => es.filter((e) => e.group?.startsWith('navigation')).map((e) => e.command));
    for (const b of buttons) assert.ok(commands.find((c) => c.command === b)?.icon, `${b} is a title-bar button: it needs an icon`);
  });

  it('every menu entry names a contributed command', () => {
    for (const [where, entries] of Object.entries(menus)) {
      for (const e of entries) {
        assert.ok(contributed.has(e.command), `${where}: ${e.command} is not contributed`);
        if (e.alt) assert.ok(contributed.has(e.alt), `${where}: alt ${e.alt} is not contributed`);
      }
    }
  });

  it('when-clauses use only context keys that exist, with language ids, view ids and regexes that do', () => {
    const known = new Set([...VSCODE_CONTEXT_KEYS, ...extensionContextKeys()]);
    for (const [where, entries] of Object.entries(menus)) {
      for (const e of entries) {
        if (!e.when) continue;
        for (const a of atoms(e.when)) {
          assert.ok(known.has(a.key), `${where} ${e.command}: no context key '${a.key}'`);
          if (/LangId$/.test(a.key) && a.value) assert.ok(LANGUAGE_IDS.has(a.value), `${where} ${e.command}: no language '${a.value}'`);
          if (a.key === 'view' && a.value) assert.ok(VIEW_IDS.has(a.value), `${where} ${e.command}: no view '${a.value}'`);
          if (a.op === '=~') {
            const re = /^\/(.*)\/([a-z]*)$/.exec(a.value ?? '');
            assert.ok(re, `${where} ${e.command}: '${a.value}' is not a /regex/`);
            assert.doesNotThrow(() => new RegExp(re[1], re[2]));
          }
          if (a.key === 'resourceExtname' && a.value) assert.match(a.value, /^\.\w+$/, `${where} ${e.command}: an extension starts with a dot`);
        }
      }
    }
  });

  it('the issue\'s seven commands are in the palette, and the file ones in the explorer or the editor\'s menus', () => {
    const hidden = new Set((menus.commandPalette ?? []).filter((e) => e.when === 'false').map((e) => e.command));
    for (const c of ISSUE_COMMANDS) {
      assert.ok(contributed.has(c), `${c} is contributed`);
      assert.ok(!hidden.has(c), `${c} is in the palette`);
    }
    const inMenus = (c: string) => Object.entries(menus).filter(([where, es]) => where !== 'commandPalette' && es.some((e) => e.command === c)).map(([w]) => w);
    for (const c of ['ebpf.verifyObject', 'ebpf.verifyCurrentFile', 'ebpf.openAsVerifierLog', 'ebpf.debugThisLog', 'ebpf.showStructLayout']) {
      assert.ok(inMenus(c).some((w) => /^(explorer|editor)\//.test(w)), `${c} is in the explorer's or an editor's menu`);
    }
    // the palette shows the file commands only where they work
    for (const c of ['ebpf.verifyCurrentFile', 'ebpf.debugThisLog', 'ebpf.showStructLayout']) {
      assert.ok((menus.commandPalette ?? []).some((e) => e.command === c && e.when), `${c} has a palette when-clause`);
    }
  });

  it('the commands that build or run as root ask for workspace trust before anything else', () => {
    for (const id of TRUSTED_COMMANDS) {
      const file = client.find((f) => f.text.includes(`registerCommand('${id}'`));
      assert.ok(file, `${id} is registered`);
      const body = file.text.slice(file.text.indexOf(`registerCommand('${id}'`));
      const firstStatement = /=>\s*\{\s*(?:\/\/[^\n]*\n\s*)*([^\n]+)/.exec(body)?.[1] ?? '';
      assert.match(firstStatement, /^if \(!requireTrust\('[^']+'\)\) return/, `${id} starts with requireTrust (${file.file})`);
    }
  });

  it('a command in a menu that passes the file\'s Uri takes a vscode.Uri as its first argument', () => {
    for (const where of URI_MENUS) {
      for (const e of menus[where] ?? []) {
        const params = handlers.get(e.command) ?? '';
        assert.match(params, /^\(\s*\w+\??\s*:\s*vscode\.Uri\b/, `${where} passes a Uri to ${e.command}, whose handler takes ${params}`);
      }
    }
  });
});
