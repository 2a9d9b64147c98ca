import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { DIST, REPO } from './paths';

export interface CliRun { code: number | null; stdout: string; stderr: string }

export function runCli(args: string[], env: NodeJS.ProcessEnv = process.env, cwd = REPO): CliRun {
  const r = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), ...args], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
