import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FileStampCache, statOrNull } from '../util/file-stamp-cache';

/** One entry of a compilation database (clang's JSON Compilation Database format). */
interface CompileCommand {
  directory: string;
  file: string;
  arguments?: string[];
  command?: string;
}

const MAX_LEVELS = 32;
const INCLUDE_FLAGS = ['-I', '-iquote', '-isystem', '-idirafter'];

/** What a build passes one file that changes what its headers and layouts are: `-I` directories, `-D`/`-U` macros. */
export interface UnitFlags {
  includeDirs: string[];
  /** In command-line order; a null value is `-U NAME`. */
  defines: [string, string | null][];
}

/**
 * The include directories and macros a build gives each file, from the nearest `compile_commands.json` above it (or
 * in a `build/` directory there), as `bear -- make` or CMake write them. Read once per database and cached by mtime.
 */
export class CompileCommands {
  private readonly databases = new FileStampCache<Map<string, UnitFlags>>();

  includeDirs(file: string): string[] {
    return this.flags(file).includeDirs;
  }

  /** The file's flags from its database entry; none when no database lists it. */
  flags(file: string): UnitFlags {
    const abs = path.resolve(file);
    for (let dir = path.dirname(abs), n = 0; n < MAX_LEVELS; dir = path.dirname(dir), n++) {
      for (const db of [path.join(dir, 'compile_commands.json'), path.join(dir, 'build', 'compile_commands.json')]) {
        const flags = this.database(db)?.get(abs);
        if (flags) return flags;
      }
      if (path.dirname(dir) === dir) break;
    }
    return { includeDirs: [], defines: [] };
  }

  /** file -> its flags; null when there is no readable database there. */
  private database(db: string): Map<string, UnitFlags> | null {
    const st = statOrNull(db);
    if (!st) return null;
    const hit = this.databases.get(db, st);
    if (hit) return hit.value;
    const units = new Map<string, UnitFlags>();
    try {
      const entries = JSON.parse(readFileSync(db, 'utf8')) as CompileCommand[];
      for (const e of Array.isArray(entries) ? entries : []) {
        if (typeof e?.directory !== 'string' || typeof e.file !== 'string') continue;
        const args = Array.isArray(e.arguments) ? e.arguments : splitCommand(e.command ?? '');
        units.set(path.resolve(e.directory, e.file), { includeDirs: includeArgs(args).map((d) => path.resolve(e.directory, d)), defines: defineArgs(args) });
      }
    } catch {
      // not JSON, or not a compilation database: as if there were none
    }
    this.databases.set(db, st, units);
    return units;
  }
}

/** `-D NAME`, `-DNAME=VALUE`, `-D NAME=VALUE`, `-UNAME` in order, as clang reads them (`-DNAME` means `NAME=1`). */
export function defineArgs(args: string[]): [string, string | null][] {
  const out: [string, string | null][] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!/^-[DU]/.test(a)) continue;
    const value = a.length === 2 ? args[++i] : a.slice(2);
    if (!value) continue;
    if (a[1] === 'U') out.push([value, null]);
    else out.push(parseDefine(value));
  }
  return out;
}

/** `NAME`, `NAME=VALUE` (the form after -D) as a macro: `NAME` alone is defined as 1. */
export function parseDefine(text: string): [string, string] {
  const eq = text.indexOf('=');
  return eq < 0 ? [text, '1'] : [text.slice(0, eq), text.slice(eq + 1)];
}

/** `-I dir`, `-Idir`, `-iquote dir`, `-isystem dir`, `-idirafter dir`, in order. */
export function includeArgs(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const flag = INCLUDE_FLAGS.find((f) => a === f || a.startsWith(f));
    if (!flag) continue;
    const value = a === flag ? args[++i] : a.slice(flag.length);
    if (value) out.push(value);
  }
  return out;
}

/** A shell command line split into words: quotes and backslashes as sh reads them, no expansions. */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let started = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < command.length) word += command[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (c === '\\' && i + 1 < command.length) {
      word += command[++i];
      started = true;
    } else if (/\s/.test(c)) {
      if (started) words.push(word);
      word = '';
      started = false;
    } else {
      word += c;
      started = true;
    }
  }
  if (started) words.push(word);
  return words;
}
