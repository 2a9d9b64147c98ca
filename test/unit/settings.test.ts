import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LANGUAGE_CLIENT_ID, SETTINGS, TRACE_SERVER_SETTING } from '../../core/settings';
import { REPO } from '../support/paths';
import { buildFlagsFromSettings, DEFAULT_SETTINGS, preprocessorSearchFromSettings, settingsFrom, withLaunchBuildArgs } from '../../core/settings-values';
import { LintExclusion } from '../../server/lint-exclusion';
import { DEFAULT_VERIFY_SETTINGS, verifySettingsOf } from '../../server/verify-on-save-settings';

const from = (values: Record<string, unknown>, warn: (m: string) => void) => settingsFrom((name) => values[name], warn);

describe('settings: values parsed once for the server and the client', () => {
  it('no setting\'s name continues another\'s: VS Code would drop it ("Ignoring a.b.c as a.b is …")', () => {
    for (const a of SETTINGS) for (const b of SETTINGS) assert.ok(!b.name.startsWith(`${a.name}.`), `${b.name} continues ${a.name}`);
  });

  it('ebpf.trace.server is the setting vscode-languageclient reads for the client id the extension starts it with', () => {
    assert.equal(TRACE_SERVER_SETTING.name, `${LANGUAGE_CLIENT_ID}.trace.server`);
    assert.equal(LANGUAGE_CLIENT_ID, 'ebpf');
    assert.match(readFileSync(path.join(REPO, 'client', 'language-client.ts'), 'utf8'), /new LanguageClient\(LANGUAGE_CLIENT_ID,/);
    // the library reads `<id>.trace.server` itself (and again on every configuration change)
    const lib = readFileSync(path.join(REPO, 'node_modules', 'vscode-languageclient', 'lib', 'common', 'client.js'), 'utf8');
    assert.match(lib, /getConfiguration\(this\._id\)[\s\S]{0,300}config\.get\('trace\.server'/);
  });

  it('keeps valid values of every setting', () => {
    const warnings: string[] = [];
    const s = from({
      'ebpf.lint.severity': { 'modern-hints': 'off' }, 'ebpf.lint.exclude': ['vendor/**'], 'ebpf.verifyOnSave': false,
      'ebpf.acceptedSummary': true, 'ebpf.clang.path': ' /usr/bin/clang-17 ', 'ebpf.bpftool.path': '/usr/sbin/bpftool',
      'ebpf.includePaths': ['inc'], 'ebpf.defines': ['A', 'B=2'], 'ebpf.cflags': ['-Wall', '-DX=1'], 'ebpf.logLevel': 4,
      'ebpf.capabilities': 'bpf', 'ebpf.symbolTags': ['GO', 'RUST'], 'ebpf.trace.server': 'verbose',
    }, (m) => warnings.push(m));
    assert.deepEqual(warnings, []);
    assert.deepEqual(s, {
      lintSeverity: { 'modern-hints': 'off' }, lintExclude: ['vendor/**'], verifyOnSave: false, acceptedSummary: true, clang: '/usr/bin/clang-17',
      bpftool: '/usr/sbin/bpftool', includePaths: ['inc'], defines: ['A', 'B=2'], cflags: ['-Wall', '-DX=1'],
      logLevel: 5, // level 1 is added: the reject is located from it
      capabilities: 'bpf', symbolTags: ['GO', 'RUST'], traceServer: 'verbose',
    });
    assert.deepEqual(verifySettingsOf(s), { enabled: false, acceptedSummary: true, clang: '/usr/bin/clang-17', bpftool: '/usr/sbin/bpftool',
      includePaths: ['inc'], defines: ['A', 'B=2'], cflags: ['-Wall', '-DX=1'], logLevel: 5, capabilities: 'bpf' });
  });

  it('names each bad value and keeps its default; unset settings are the defaults without a word', () => {
    const said: string[] = [];
    const s = from({
      'ebpf.lint.severity': 'loud', 'ebpf.lint.exclude': 'vendor', 'ebpf.verifyOnSave': 'yes', 'ebpf.acceptedSummary': 1,
      'ebpf.clang.path': '', 'ebpf.bpftool.path': 7, 'ebpf.includePaths': 'inc', 'ebpf.defines': ['1X'], 'ebpf.cflags': '-Wall',
      'ebpf.logLevel': 9, 'ebpf.capabilities': 'root', 'ebpf.symbolTags': ['go'], 'ebpf.trace.server': 'all',
    }, (m) => said.push(m));
    assert.deepEqual(s, DEFAULT_SETTINGS);
    assert.equal(said.length, SETTINGS.length, said.join('\n'));
    assert.match(said.join('\n'), /ebpf\.capabilities must be one of full, bpf, bpf\+perfmon, bpf\+perfmon\+net_admin, not "root"/);
    assert.match(said.join('\n'), /ebpf\.cflags must be an array of clang arguments, one per item, not "-Wall"/);
    assert.match(said.join('\n'), /ebpf\.trace\.server must be one of off, messages, verbose/);
    assert.deepEqual(from({}, () => assert.fail('no warning for unset settings')), DEFAULT_SETTINGS);
    assert.deepEqual(verifySettingsOf(from({ 'ebpf.verifyOnSave': null }, () => assert.fail('null is unset'))), DEFAULT_VERIFY_SETTINGS);
  });

  it('every build takes -I of the include paths (from the workspace), -D of the defines, then the cflags', () => {
    const s = { ...DEFAULT_SETTINGS, clang: 'clang-17', bpftool: '/opt/bpftool', includePaths: ['inc', '/abs'], defines: ['DEBUG', 'N=3'], cflags: ['-Wall', '-UOLD'] };
    assert.deepEqual(buildFlagsFromSettings(s, '/w'), { clang: 'clang-17', bpftool: '/opt/bpftool', extraArgs: ['-I', '/w/inc', '-I', '/abs', '-DDEBUG', '-DN=3', '-Wall', '-UOLD'] });
    assert.deepEqual(buildFlagsFromSettings(DEFAULT_SETTINGS).extraArgs, []);
  });

  it('a launch configuration\'s build arguments win: last for -D and options, first for -I', () => {
    const settings = ['-I', '/w/inc', '-DMODE=1', '-O2'];
    assert.deepEqual(withLaunchBuildArgs(settings, ['-DMODE=2', '-I../mine', '-O1']), ['-I../mine', '-I', '/w/inc', '-DMODE=1', '-O2', '-DMODE=2', '-I../mine', '-O1']);
    assert.deepEqual(withLaunchBuildArgs(settings, undefined), settings);
    assert.deepEqual(withLaunchBuildArgs(settings, ['-I', 'x']), ['-I', 'x', ...settings, '-I', 'x']);
  });

  it('the lints preprocess with the include paths, defines and the -I/-D/-U of the cflags', () => {
    const s = { ...DEFAULT_SETTINGS, includePaths: ['inc'], defines: ['A', 'B=2'], cflags: ['-Wall', '-Iextra', '-D', 'C=3', '-UA'] };
    assert.deepEqual(preprocessorSearchFromSettings(s, '/w'), { includeDirs: ['/w/inc', '/w/extra'], defines: [['A', '1'], ['B', '2'], ['C', '3'], ['A', null]] });
  });
});

describe('ebpf.lint.exclude', () => {
  const uri = (f: string) => pathToFileURL(f).href;
  it('matches globs relative to each workspace folder, and absolute ones', () => {
    const ex = new LintExclusion();
    ex.configure(['vendor/**', '**/vmlinux.h', './gen/*_bpfel.go', '/opt/other/*.c'], ['/w/a', '/w/b'], () => assert.fail('all are globs'));
    assert.ok(ex.excludes(uri('/w/a/vendor/lib/x.bpf.c')));
    assert.ok(ex.excludes(uri('/w/b/vendor/y.h')), 'the second folder too');
    assert.ok(ex.excludes(uri('/w/a/src/deep/vmlinux.h')));
    assert.ok(ex.excludes(uri('/w/b/gen/prog_bpfel.go')), 'a leading ./ is the folder itself');
    assert.ok(ex.excludes(uri('/opt/other/z.c')));
    assert.ok(!ex.excludes(uri('/w/a/src/vendor.bpf.c')));
    assert.ok(!ex.excludes(uri('/w/a/src/x.bpf.c')));
    assert.ok(!ex.excludes(uri('/elsewhere/vendor/x.c')), 'outside every folder, a relative glob does not match');
    assert.ok(!ex.excludes('untitled:Untitled-1'));
  });

  it('no globs: nothing excluded; configuring again replaces the globs', () => {
    const ex = new LintExclusion();
    assert.ok(!ex.excludes(uri('/w/vendor/x.c')));
    ex.configure(['vendor/**'], ['/w'], () => undefined);
    assert.ok(ex.excludes(uri('/w/vendor/x.c')));
    ex.configure([], ['/w'], () => undefined);
    assert.ok(!ex.excludes(uri('/w/vendor/x.c')));
  });
});
