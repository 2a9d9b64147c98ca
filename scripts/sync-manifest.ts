/**
 * Regenerates package.json's contributes.debuggers from core/launch-attributes.ts, and contributes.configuration and
 * capabilities (untrusted workspaces: which settings are restricted) from core/settings.ts (the sources of truth).
 * `node --import tsx scripts/sync-manifest.ts` writes it; with `--check` it only reports drift (exit 1).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEBUG_TYPE, INITIAL_CONFIGURATION, LAUNCH_ATTRIBUTES, REQUIRED_LAUNCH_ATTRIBUTES } from '../core/launch-attributes';
import { capabilitiesContribution, configurationContribution } from '../core/settings';

export function debuggersContribution(): unknown[] {
  return [{
    type: DEBUG_TYPE,
    label: 'eBPF Verifier',
    languages: ['c'],
    configurationAttributes: { launch: { required: REQUIRED_LAUNCH_ATTRIBUTES, properties: LAUNCH_ATTRIBUTES } },
    initialConfigurations: [INITIAL_CONFIGURATION],
    configurationSnippets: [
      {
        label: 'eBPF: Verify a BPF object or source',
        description: 'Build (for a .bpf.c) and verify every program in the running kernel; stop on the reject.',
        body: { ...INITIAL_CONFIGURATION, name: 'eBPF: verify ${1:prog}', program: '^"\\${workspaceFolder}/${2:prog.bpf.c}"' },
      },
    ],
  }];
}

const manifestPath = path.resolve(__dirname, '..', 'package.json');

export function manifestInSync(): boolean {
  const pkg = JSON.parse(readFileSync(manifestPath, 'utf8'));
  return JSON.stringify(pkg.contributes?.debuggers) === JSON.stringify(debuggersContribution())
    && JSON.stringify(pkg.contributes?.configuration) === JSON.stringify(configurationContribution())
    && JSON.stringify(pkg.capabilities) === JSON.stringify(capabilitiesContribution());
}

if (require.main === module) {
  if (process.argv.includes('--check')) {
    if (!manifestInSync()) {
      console.error('package.json contributes.debuggers, contributes.configuration or capabilities is stale: run `node --import tsx scripts/sync-manifest.ts`.');
      process.exit(1);
    }
  } else {
    const pkg = JSON.parse(readFileSync(manifestPath, 'utf8'));
    pkg.contributes = { ...pkg.contributes, debuggers: debuggersContribution(), configuration: configurationContribution() };
    pkg.capabilities = capabilitiesContribution();
    writeFileSync(manifestPath, JSON.stringify(pkg, null, 2) + '\n');
  }
}
