import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in how the command was called: main prints it as `ebpf-debugger <command>: <message>` and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** node:util parseArgs, with its errors as UsageErrors. */
export function parseCommandArgs<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
