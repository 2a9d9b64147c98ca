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

/** `-D NAME[=VALUE]` / `--define NAME[=VALUE]`, as clang takes them (repeatable): the macros the build defines. */
export const DEFINE_OPTION = { define: { type: 'string', short: 'D', multiple: true } } as const;

/** `-D` values as macros (`NAME` alone is 1, as with clang); a name that is not an identifier is a usage error. */
export function parseDefines(values: string[] = []): [string, string][] {
  return values.map((v) => {
    const eq = v.indexOf('=');
    const name = eq < 0 ? v : v.slice(0, eq);
    if (!/^[A-Za-z_]\w*$/.test(name)) throw new UsageError(`-D ${v}: a macro name is a C identifier (-D NAME or -D NAME=VALUE).`);
    return [name, eq < 0 ? '1' : v.slice(eq + 1)];
  });
}
