import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_LIMITS, LIMITS_FILE_NAME, LIMIT_SPECS, parseLimitValue, parseLimitsFile, type HelperLimits } from '../core/loader/limits';
import { INSTALL_DIR, privilegedRemovalScript, privilegedSetupScript, rootSafe } from '../core/setup/privileged-setup';
import { UsageError, parseCommandArgs } from './args';

const LIMIT_KEYS = Object.keys(LIMIT_SPECS) as (keyof HelperLimits)[];

/**
 * `ebpf-debugger setup-privileges [--user NAME] [--install | --remove] [--max-map-memory SIZE] [--max-log-buffer SIZE]
 * [--max-verify-seconds N] [--max-helpers N]`: prints (or, as root, runs) the script that lets a user verify with
 * CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN through a root-owned wrapper and a sudoers rule for it, with the limits the
 * helper enforces for that user (defaults in core/loader/limits.ts).
 */
export async function runSetupPrivileges(argv: string[]): Promise<number> {
  const limitOptions = Object.fromEntries(LIMIT_KEYS.map((k) => [LIMIT_SPECS[k].option, { type: 'string' as const }]));
  const { values } = parseCommandArgs(argv, {
    user: { type: 'string' }, install: { type: 'boolean', default: false }, remove: { type: 'boolean', default: false },
    node: { type: 'string' }, ...limitOptions,
  });
  const limits = installedLimits(); // a reinstall that raises one limit keeps the others root set
  for (const k of LIMIT_KEYS) {
    const text = (values as Record<string, unknown>)[LIMIT_SPECS[k].option];
    if (typeof text !== 'string') continue;
    try {
      limits[k] = parseLimitValue(k, text);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if (values.remove) return run(privilegedRemovalScript(), values.install || values.remove);
  const user = values.user ?? process.env.SUDO_USER ?? os.userInfo().username;
  if (user === 'root') throw new UsageError('root needs no setup; name the user who will run the editor or the CLI with --user NAME.');
  const root = path.resolve(__dirname, '..');
  const node = values.node ?? (existsSync('/usr/bin/node') ? '/usr/bin/node' : process.execPath);
  const unsafe = rootSafe(node);
  if (unsafe) throw new UsageError(`${node} cannot be run as root safely: ${unsafe}. Install Node.js system-wide (e.g. apt-get install nodejs) or pass --node PATH.`);
  const platform = `@koromix/koffi-${process.platform}-${process.arch}`;
  if (!existsSync(path.join(root, 'node_modules', platform))) throw new UsageError(`koffi's native package ${platform} is missing under ${root}/node_modules.`);
  return run(privilegedSetupScript(root, node, user, platform, limits).script, values.install);
}

/** The limits of the current install, if it has a root-owned limits.json that parses; else the defaults. */
function installedLimits(): HelperLimits {
  const file = path.join(INSTALL_DIR, LIMITS_FILE_NAME);
  try {
    if (existsSync(file) && !rootSafe(file)) return parseLimitsFile(readFileSync(file, 'utf8'));
  } catch {
    // a broken file is replaced by the one this setup writes
  }
  return { ...DEFAULT_LIMITS };
}

function run(script: string, install: boolean): number {
  if (!install) {
    process.stdout.write(script);
    process.stderr.write('\n# Review the script above, then run it as root, e.g.: sudo ebpf-debugger setup-privileges --install\n');
    return 0;
  }
  if (process.getuid?.() !== 0) throw new UsageError('--install must run as root: sudo ebpf-debugger setup-privileges --install --user YOU');
  execFileSync('/bin/sh', ['-c', script], { stdio: 'inherit' });
  return 0;
}
