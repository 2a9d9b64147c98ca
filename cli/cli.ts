#!/usr/bin/env node
/** ebpf-debugger: the CLI over the same core and loader as the editor. Exit 0 ok, 1 rejected, 2 usage/environment. */
import { runVerify } from './verify-command';

const USAGE = `Usage: ebpf-debugger <command> [options]

Commands:
  verify <object.o | source.bpf.c | directory>...  Verify every program in the running kernel
      --program NAME    only this program
      --log-level N     verifier log level (1, 2, 4 or a sum; default 5 = 1+4)
      --json            machine-readable output
      --cflags "ARGS"   extra clang arguments when building a source

Exit codes: 0 every program verified, 1 a program was rejected, 2 usage or environment error.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'verify':
      return runVerify(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`ebpf-debugger: unknown command '${command}'.\n\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => {
    process.stderr.write(`ebpf-debugger: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 2;
  },
);
