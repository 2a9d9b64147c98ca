// Before `vsce package` (vscode:prepublish): put koffi's prebuilt native packages for the platforms the VSIX
// serves into node_modules/@koromix/ (npm installs only the one of the machine it runs on). linux-x64 is required;
// linux-arm64 is fetched from the npm registry with `npm pack` when npm has it, checked against package-lock's
// integrity. .vscodeignore lets exactly these two into the VSIX.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TARGETS = [{ name: 'linux-x64', required: true }, { name: 'linux-arm64', required: false }];
const lock = JSON.parse(readFileSync(path.join(REPO, 'package-lock.json'), 'utf8'));
const koffi = lock.packages['node_modules/koffi']?.version;
if (!koffi) throw new Error('koffi-natives: koffi is not in package-lock.json');

for (const { name, required } of TARGETS) {
  const key = `node_modules/@koromix/koffi-${name}`;
  const dir = path.join(REPO, key);
  const installed = existsSync(path.join(dir, 'package.json')) && JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  if (installed === koffi) continue;
  const locked = lock.packages[key];
  try {
    if (!locked?.integrity) throw new Error(`${key} is not in package-lock.json`);
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'koffi-native-'));
    try {
      const [packed] = JSON.parse(execFileSync('npm', ['pack', `@koromix/koffi-${name}@${koffi}`, '--json', '--pack-destination', tmp, '--loglevel=error'], { encoding: 'utf8' }));
      if (packed.integrity !== locked.integrity) throw new Error(`integrity ${packed.integrity} is not package-lock's ${locked.integrity}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      execFileSync('tar', ['-xzf', path.join(tmp, packed.filename), '-C', dir, '--strip-components=1']);
      console.log(`koffi-natives: @koromix/koffi-${name}@${koffi} (from the npm registry)`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    if (required) throw new Error(`koffi-natives: @koromix/koffi-${name}@${koffi} is needed in the VSIX and could not be fetched: ${why}`);
    console.warn(`koffi-natives: warning: the VSIX will not run on ${name}: @koromix/koffi-${name}@${koffi} could not be fetched (${why})`);
  }
}
