import { copyFileSync, cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXAMPLES, REPO } from '../support/paths';

export const E2E_FIXTURES = path.join(REPO, 'test', 'e2e', 'fixtures');
/** Extra files for the extension host suites, copied over the workspace's top level as they are. */
export const EXTENSION_HOST_FIXTURES = path.join(REPO, 'test', 'extension-host', 'workspace');

/**
 * The folder VS Code opens in the e2e and the extension host tests: a copy (never the repository's own files, the
 * tests edit and save them) of examples/*.bpf.c without built objects; the header fixture flow.h and
 * flow_count.bpf.c (an accepted program whose map value is flow.h's struct flow_stats); null_deref's saved raw
 * verifier log as null_deref.verifier.log; test/extension-host/workspace/**; and a launch.json with
 * "Verify null_deref".
 */
export function createTestWorkspace(dir: string): string {
  cpSync(EXAMPLES, dir, { recursive: true, filter: (src) => !src.endsWith('.o') });
  for (const f of ['flow.h', 'flow_count.bpf.c']) copyFileSync(path.join(E2E_FIXTURES, f), path.join(dir, f));
  // a saved raw log of null_deref (level 1, 6.9+ `@ file:line` annotations), as the debug console saves one
  copyFileSync(path.join(REPO, 'test', 'fixtures', 'replay', 'null_deref.log'), path.join(dir, 'null_deref.verifier.log'));
  if (existsSync(EXTENSION_HOST_FIXTURES)) cpSync(EXTENSION_HOST_FIXTURES, dir, { recursive: true });
  mkdirSync(path.join(dir, '.vscode'), { recursive: true });
  writeFileSync(path.join(dir, '.vscode', 'launch.json'), JSON.stringify({
    version: '0.2.0',
    configurations: [{ type: 'ebpf', request: 'launch', name: 'Verify null_deref', program: '${workspaceFolder}/null_deref.bpf.c' }],
  }, null, 2));
  return dir;
}
