import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SHOW_STRUCT_LAYOUT_COMMAND } from '../../core/lsp-ext';
import { LAUNCH_ATTRIBUTES, launchForActiveFile, validateLaunchArguments } from '../../core/launch-attributes';
import { setupCommandLine } from '../../core/setup/privileged-setup';
import { RESTRICTED_SETTINGS, SETTINGS, capabilitiesContribution, configurationContribution } from '../../core/settings';
import { settingNames } from '../../core/settings-values';
import { debuggersContribution, manifestInSync } from '../../scripts/sync-manifest';
import { REPO } from '../support/paths';

const pkg = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8'));

describe('package.json and the TypeScript sources of truth', () => {
  it('contributes.debuggers is generated from core/launch-attributes.ts', () => {
    assert.ok(manifestInSync(), 'run `node --import tsx scripts/sync-manifest.ts`');
    const props = pkg.contributes.debuggers[0].configurationAttributes.launch.properties;
    assert.deepEqual(Object.keys(props).sort(), Object.keys(LAUNCH_ATTRIBUTES).sort());
    assert.deepEqual(debuggersContribution()[0], pkg.contributes.debuggers[0]);
  });

  it('contributes.configuration is generated from core/settings.ts, and the server reads the settings by those names', () => {
    assert.deepEqual(pkg.contributes.configuration, configurationContribution(), 'run `node --import tsx scripts/sync-manifest.ts`');
    assert.deepEqual(Object.keys(pkg.contributes.configuration.properties), SETTINGS.map((s) => s.name));
    for (const s of SETTINGS) {
      const declared = pkg.contributes.configuration.properties[s.name];
      assert.deepEqual([declared.type, declared.default, declared.scope], [s.type, s.default, s.scope], s.name);
      assert.ok(declared.description.length > 20, `${s.name} says what it does`);
    }
    // the server asks for every declared setting in one request, never a copy of a name
    const server = readdirSync(path.join(REPO, 'server')).map((f) => readFileSync(path.join(REPO, 'server', f), 'utf8')).join('\n');
    for (const s of SETTINGS) assert.ok(!server.includes(`'${s.name}'`), `server/ names ${s.name} through core/settings.ts`);
    assert.deepEqual(settingNames(), SETTINGS.map((s) => s.name));
    assert.match(readFileSync(path.join(REPO, 'server', 'settings-watch.ts'), 'utf8'), /settingNames\(\)/);
  });

  it('every command the client registers is contributed, and every contributed one registered', () => {
    const clientDir = path.join(REPO, 'client');
    const registered = new Set<string>();
    for (const f of readdirSync(clientDir)) {
      // a command id is a literal, or a constant shared with the server (code lenses name it)
      const constants: Record<string, string> = { SHOW_STRUCT_LAYOUT_COMMAND };
      for (const m of readFileSync(path.join(clientDir, f), 'utf8').matchAll(/registerCommand\((?:'([^']+)'|(\w+))/g)) {
        registered.add(m[1] ?? constants[m[2]] ?? `an unknown constant ${m[2]}`);
      }
    }
    const contributed = new Set<string>(pkg.contributes.commands.map((c: { command: string }) => c.command));
    assert.deepEqual([...registered].sort(), [...contributed].sort());
  });

  it('declares the privilege surface: limited in untrusted workspaces, the settings naming what runs restricted', () => {
    assert.deepEqual(pkg.capabilities, capabilitiesContribution(), 'run `node --import tsx scripts/sync-manifest.ts`');
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    // a workspace's settings.json must not pick the programs or arguments a build runs
    assert.deepEqual(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations, ['ebpf.clang.path', 'ebpf.bpftool.path', 'ebpf.cflags']);
    for (const s of RESTRICTED_SETTINGS) assert.ok(pkg.contributes.configuration.properties[s.name], `${s.name} is contributed`);
  });

  it('validates launch arguments with messages that say what to do', () => {
    assert.equal(validateLaunchArguments({ program: 'x.bpf.c' }), null);
    assert.match(validateLaunchArguments({}) ?? '', /needs "program"/);
    assert.match(validateLaunchArguments({ program: 'x.o', logLevel: 9 }) ?? '', /integer from 1 to 7/);
    assert.match(validateLaunchArguments({ program: 'x.o', capabilities: 'root' as never }) ?? '', /"capabilities" must be one of full, bpf/);
    assert.match(validateLaunchArguments({ program: 'x.o', build: 3 as never }) ?? '', /"build" must be a shell command/);
  });

  it('the setup command line runs the CLI as root through sudo, quoting every path', () => {
    assert.equal(setupCommandLine('/usr/share/code/code', "/home/o'neil/ext/dist/cli.js", 'oneil'),
      "sudo env ELECTRON_RUN_AS_NODE=1 '/usr/share/code/code' '/home/o'\\''neil/ext/dist/cli.js' setup-privileges --install --user 'oneil'");
  });

  it('F5 without a launch.json verifies the active .bpf.c or .o, and nothing else', () => {
    assert.deepEqual(launchForActiveFile('/w/prog.bpf.c'), { type: 'ebpf', request: 'launch', name: 'eBPF: verify current file', program: '/w/prog.bpf.c' });
    assert.equal(launchForActiveFile('/w/prog.o')?.program, '/w/prog.o');
    assert.equal(launchForActiveFile('/w/main.go'), null);
    assert.equal(launchForActiveFile(undefined), null);
  });
});
