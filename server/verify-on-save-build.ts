/**
 * Verify on save, the build: the saved source's recipe (its compile_commands.json entry's -I/-D, then the
 * configured include paths and defines, on top of buildBpfSource's `clang -g -O2 -target bpf -D__TARGET_ARCH_<arch>`),
 * with clang's dependency file, so that an unchanged object is not rebuilt and a saved header finds its includers.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildBpfSource, cachedObjectPath, parseClangDiagnostics, type ClangDiagnostic } from '../core/build/clang';
import type { CompileCommands } from '../core/analyze/compile-commands';
import { buildFlagsFromSettings } from '../core/settings-values';

export interface BuildRecipe {
  clang: string;
  /** Generates vmlinux.h for a source that includes it and has none beside it. */
  bpftool: string;
  /** Workspace-relative or absolute include directories, after the compile_commands.json entry's. */
  includePaths: string[];
  /** NAME or NAME=VALUE. */
  defines: string[];
  /** Any clang arguments, after the defines (ebpf.cflags). */
  cflags: string[];
  /** Relative include paths are resolved from here. */
  workspaceRoot?: string;
}

export interface SourceBuild {
  object: string;
  /** False when the object was newer than every input and built with the same arguments. */
  rebuilt: boolean;
  /** The source and every header it read (clang's dependency file). */
  inputs: string[];
  /** clang's warnings (and notes) of a build that succeeded; none when it was not rebuilt. */
  warnings: ClangDiagnostic[];
}

/**
 * What a build left next to its object: the arguments it was built with, its inputs with their content hashes, and
 * the object's mtime then. An editor writes the file on every save: an input newer than the object whose bytes are
 * the same as at the build does not make it stale.
 */
interface BuildStamp { key: string; objectMtimeMs: number; inputs: string[]; hashes: Record<string, string> }

/** Undefined for what is not a regular file (reading a FIFO would block the server) or cannot be read. */
function contentHash(file: string): string | undefined {
  try {
    return statSync(file).isFile() ? createHash('sha256').update(readFileSync(file)).digest('hex') : undefined;
  } catch {
    return undefined;
  }
}

function contentHashes(files: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of files) {
    const h = contentHash(f);
    if (h !== undefined) out[f] = h;
  }
  return out;
}

/** File times come from the kernel's coarse clock, up to a tick behind Date.now(): a margin well above one tick. */
const CLOCK_SLACK_MS = 100;

/**
 * Every input holds the text clang read: the same bytes as before the build started, or (an input not hashed then)
 * not modified since shortly before it. An input written during the build may have been read in either version, and
 * its object must not be taken as up to date: its mtime is older than the object's, so only a rebuild can tell.
 */
function readUnchanged(inputs: string[], before: Record<string, string>, after: Record<string, string>, startedAt: number): boolean {
  return inputs.every((f) => {
    if (f in before) return before[f] === after[f];
    try {
      return statSync(f).mtimeMs < startedAt - CLOCK_SLACK_MS;
    } catch {
      return false;
    }
  });
}

/** The extra clang arguments for `source`: its compile_commands.json flags first, the settings after. */
export function recipeArgs(source: string, recipe: BuildRecipe, database: CompileCommands): string[] {
  const unit = database.flags(source);
  const base = recipe.workspaceRoot ?? path.dirname(source);
  const args: string[] = [];
  for (const dir of unit.includeDirs) args.push('-I', dir);
  for (const [name, value] of unit.defines) args.push(value === null ? `-U${name}` : `-D${name}=${value}`);
  args.push(...buildFlagsFromSettings(recipe, base).extraArgs); // the same settings part as every other build's
  return args;
}

/** The paths of a make-style dependency file (`obj.o: a.c b.h \` ...), spaces escaped as `\ `. */
export function parseDepFile(text: string): string[] {
  const body = text.replace(/\\\r?\n/g, ' ');
  const colon = body.search(/:(\s|$)/);
  const rest = colon < 0 ? '' : body.slice(colon + 1);
  const out: string[] = [];
  let word = '';
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '\\' && rest[i + 1] === ' ') {
      word += ' ';
      i++;
    } else if (/\s/.test(c)) {
      if (word) out.push(word);
      word = '';
    } else word += c;
  }
  if (word) out.push(word);
  return out;
}

function stampPath(object: string): string {
  return `${object}.verify-on-save.json`;
}

function readStamp(object: string): BuildStamp | null {
  try {
    return JSON.parse(readFileSync(stampPath(object), 'utf8')) as BuildStamp;
  } catch {
    return null;
  }
}

/** The object is newer than every input, was built with these arguments, and nobody rebuilt it since. */
function upToDate(object: string, key: string): BuildStamp | null {
  const stamp = readStamp(object);
  if (!stamp || stamp.key !== key || !existsSync(object)) return null;
  const objectMtime = statSync(object).mtimeMs;
  if (objectMtime !== stamp.objectMtimeMs) return null; // another build (the CLI's) wrote it
  for (const input of stamp.inputs) {
    try {
      if (statSync(input).mtimeMs < objectMtime) continue;
      const hash = contentHash(input);
      if (hash === undefined || hash !== stamp.hashes?.[input]) return null; // unhashable: compared by mtime only
    } catch {
      return null; // an input is gone: the build would fail or pick another file
    }
  }
  return stamp;
}

/** Build `source` unless its object is up to date; aborting `signal` kills clang (BuildError/EbpfError otherwise). */
export async function buildForVerify(source: string, recipe: BuildRecipe, database: CompileCommands, signal: AbortSignal): Promise<SourceBuild> {
  const object = cachedObjectPath(source);
  const extra = recipeArgs(source, recipe, database);
  const key = createHash('sha256').update(JSON.stringify([recipe.clang, extra])).digest('hex');
  const fresh = upToDate(object, key);
  if (fresh) return { object, rebuilt: false, inputs: fresh.inputs, warnings: [] };
  // what clang is about to read, hashed now: the source and the headers of the last build
  const startedAt = Date.now();
  const before = contentHashes([path.resolve(source), ...(readStamp(object)?.inputs ?? [])]);
  const depFile = `${object}.d`;
  const built = await buildBpfSource(source, { clang: recipe.clang, bpftool: recipe.bpftool, extraArgs: [...extra, '-MD', '-MF', depFile], signal });
  let inputs = [path.resolve(source)];
  try {
    inputs = parseDepFile(readFileSync(depFile, 'utf8')).map((f) => path.resolve(path.dirname(source), f));
  } catch {
    // no dependency file: the source alone decides whether it is up to date
  }
  const result = { object: built.object, rebuilt: true, inputs, warnings: parseClangDiagnostics(built.diagnostics) };
  const hashes = contentHashes(inputs); // an unhashable one is compared by mtime only
  if (!readUnchanged(inputs, before, hashes, startedAt)) {
    rmSync(stampPath(object), { force: true }); // the next save builds again
    return result;
  }
  const stamp: BuildStamp = { key, objectMtimeMs: statSync(built.object).mtimeMs, inputs, hashes };
  const tmp = `${stampPath(object)}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(stamp));
  renameSync(tmp, stampPath(object));
  return result;
}
