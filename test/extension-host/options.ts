/**
 * The runners' command line: `--grep PATTERN`, `--file PART` (repeatable), `--timeout SECONDS`, `--keep`,
 * `--untrusted` (the workspace opens untrusted and only suite-untrusted/ runs).
 */
export interface RunOptions {
  grep?: string;
  files: string[];
  timeoutMs: number;
  keep: boolean;
  untrusted: boolean;
}

/** The suite folders under test/extension-host/ (and out/extension-host/): one per kind of workspace. */
export const SUITE_DIRS = { trusted: 'suite', untrusted: 'suite-untrusted' } as const;

const USAGE = 'usage: npm run test:extension-host -- [--grep PATTERN] [--file PART]... [--timeout SECONDS] [--keep] [--untrusted]';

export function parseRunOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): RunOptions {
  const opts: RunOptions = {
    grep: env.EBPF_TEST_GREP || undefined,
    files: (env.EBPF_TEST_FILES ?? '').split(',').filter(Boolean),
    timeoutMs: Number(env.EBPF_TEST_TIMEOUT ?? 600) * 1000,
    keep: Boolean(env.E2E_KEEP),
    untrusted: env.EBPF_TEST_UNTRUSTED === '1',
  };
  for (let i = 0; i < argv.length; i++) {
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${argv[i - 1]} needs a value\n${USAGE}`);
      return v;
    };
    switch (argv[i]) {
      case '--grep': case '-g': opts.grep = value(); break;
      case '--file': case '-f': opts.files.push(value()); break;
      case '--timeout': opts.timeoutMs = Number(value()) * 1000; break;
      case '--keep': opts.keep = true; break;
      case '--untrusted': opts.untrusted = true; break;
      default: throw new Error(`unknown argument '${argv[i]}'\n${USAGE}`);
    }
  }
  if (!(opts.timeoutMs > 0)) throw new Error(`--timeout (or EBPF_TEST_TIMEOUT) must be a positive number of seconds\n${USAGE}`);
  return opts;
}

/** What index.ts reads in the extension host. */
export function testEnvironment(opts: RunOptions): Record<string, string> {
  const env: Record<string, string> = { EBPF_TEST_SUITE_DIR: opts.untrusted ? SUITE_DIRS.untrusted : SUITE_DIRS.trusted };
  if (opts.grep) env.EBPF_TEST_GREP = opts.grep;
  if (opts.files.length > 0) env.EBPF_TEST_FILES = opts.files.join(',');
  return env;
}
