/**
 * The settings' values, parsed once for every host: the language server (answers to workspace/configuration) and the
 * client (vscode.workspace.getConfiguration) read a name and hand the value here. A bad value is named through
 * `warn` and its default kept: a typo in settings.json never stops the lints or a build.
 */
import path from 'node:path';
import { defineArgs, includeArgs } from './analyze/compile-commands';
import { isCapabilitySet, type CapabilitySet } from './loader/capabilities';
import { RULE_LEVELS, type RuleLevel, type SeverityOverrides } from './rules/unsafe/lint-controls';
import {
  ACCEPTED_SUMMARY_SETTING, BPFTOOL_PATH_SETTING, CAPABILITIES_SETTING, CFLAGS_SETTING, CLANG_PATH_SETTING, DEFINES_SETTING, INCLUDE_PATHS_SETTING,
  LINT_EXCLUDE_SETTING, LINT_SEVERITY_SETTING, LOG_LEVEL_SETTING, SETTINGS, SYMBOL_TAG_PATTERN, SYMBOL_TAGS_SETTING, TRACE_LEVELS, TRACE_SERVER_SETTING,
  VERIFY_ON_SAVE_SETTING, type SettingDeclaration, type TraceLevel,
} from './settings';

export interface EbpfSettings {
  lintSeverity: SeverityOverrides;
  lintExclude: string[];
  verifyOnSave: boolean;
  acceptedSummary: boolean;
  clang: string;
  bpftool: string;
  includePaths: string[];
  defines: string[];
  cflags: string[];
  logLevel: number;
  capabilities: CapabilitySet;
  /** Empty: every `<TAG>_SYM:` tag. */
  symbolTags: string[];
  traceServer: TraceLevel;
}

export const DEFAULT_SETTINGS: EbpfSettings = Object.freeze({
  lintSeverity: {},
  lintExclude: [],
  verifyOnSave: VERIFY_ON_SAVE_SETTING.default as boolean,
  acceptedSummary: ACCEPTED_SUMMARY_SETTING.default as boolean,
  clang: CLANG_PATH_SETTING.default as string,
  bpftool: BPFTOOL_PATH_SETTING.default as string,
  includePaths: [],
  defines: [],
  cflags: [],
  logLevel: LOG_LEVEL_SETTING.default as number,
  capabilities: CAPABILITIES_SETTING.default as CapabilitySet,
  symbolTags: [],
  traceServer: TRACE_SERVER_SETTING.default as TraceLevel,
});

/** `ebpf.lint.severity` from an editor's answer: valid entries kept, the others named (never thrown). */
export function severityOverridesFrom(value: unknown, warn: (message: string) => void): SeverityOverrides {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    warn(`eBPF: ${LINT_SEVERITY_SETTING.name} must be an object of rule ids to levels, e.g. { "modern-hints": "off" }; ignored.`);
    return {};
  }
  const out: Record<string, RuleLevel> = {};
  for (const [rule, level] of Object.entries(value)) {
    if (RULE_LEVELS.includes(level as RuleLevel)) out[rule] = level as RuleLevel;
    else warn(`eBPF: ${LINT_SEVERITY_SETTING.name}: "${rule}": ${JSON.stringify(level)} is not one of ${RULE_LEVELS.join(', ')}; ignored.`);
  }
  return out;
}

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const SYMBOL_TAG = new RegExp(SYMBOL_TAG_PATTERN);

/**
 * Every setting from `get(name)` (null or undefined: unset, the default). The client passes
 * `getConfiguration().get`, the server the answers of one workspace/configuration request (settingNames() order).
 */
export function settingsFrom(get: (name: string) => unknown, warn: (message: string) => void): EbpfSettings {
  const out: EbpfSettings = { ...DEFAULT_SETTINGS };
  const bad = (s: SettingDeclaration, v: unknown, want: string) =>
    warn(`eBPF: ${s.name} must be ${want}, not ${JSON.stringify(v)}; the default ${JSON.stringify(s.default)} is used.`);
  /** The value when it is set and `ok`; else the default (and a warning when it was set). */
  const read = <T>(s: SettingDeclaration, ok: (v: unknown) => boolean, want: string, fallback: T): T => {
    const v = get(s.name);
    if (v === null || v === undefined) return fallback;
    if (ok(v)) return v as T;
    bad(s, v, want);
    return fallback;
  };
  const program = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  out.lintSeverity = severityOverridesFrom(get(LINT_SEVERITY_SETTING.name), warn);
  out.lintExclude = read(LINT_EXCLUDE_SETTING, strings, 'an array of globs', out.lintExclude);
  out.verifyOnSave = read(VERIFY_ON_SAVE_SETTING, (v) => typeof v === 'boolean', 'true or false', out.verifyOnSave);
  out.acceptedSummary = read(ACCEPTED_SUMMARY_SETTING, (v) => typeof v === 'boolean', 'true or false', out.acceptedSummary);
  out.clang = read<string>(CLANG_PATH_SETTING, program, 'a clang executable', out.clang).trim();
  out.bpftool = read<string>(BPFTOOL_PATH_SETTING, program, 'a bpftool executable', out.bpftool).trim();
  out.includePaths = read(INCLUDE_PATHS_SETTING, strings, 'an array of directories', out.includePaths);
  out.defines = read(DEFINES_SETTING, (v) => strings(v) && v.every((d) => /^[A-Za-z_]\w*(=.*)?$/s.test(d)), 'an array of NAME or NAME=VALUE', out.defines);
  out.cflags = read(CFLAGS_SETTING, strings, 'an array of clang arguments, one per item', out.cflags);
  const level = read<number>(LOG_LEVEL_SETTING, (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 7, 'an integer from 1 to 7', out.logLevel);
  out.logLevel = level | 1; // level 1 locates the reject
  out.capabilities = read(CAPABILITIES_SETTING, isCapabilitySet, `one of ${CAPABILITIES_SETTING.enum!.join(', ')}`, out.capabilities);
  out.symbolTags = read(SYMBOL_TAGS_SETTING, (v) => strings(v) && v.every((t) => SYMBOL_TAG.test(t)), 'an array of upper-case tags (GO for GO_SYM:)', out.symbolTags);
  out.traceServer = read(TRACE_SERVER_SETTING, (v) => TRACE_LEVELS.includes(v as TraceLevel), `one of ${TRACE_LEVELS.join(', ')}`, out.traceServer);
  return out;
}

/** The names settingsFrom reads, for one workspace/configuration request. */
export function settingNames(): string[] {
  return SETTINGS.map((s) => s.name);
}

/** What a build of a .bpf.c takes from the settings: core/build/clang.ts's BuildOptions clang, bpftool and extraArgs. */
export interface BuildFlags { clang: string; bpftool: string; extraArgs: string[] }

type BuildSettings = Pick<EbpfSettings, 'clang' | 'bpftool' | 'includePaths' | 'defines' | 'cflags'>;

/**
 * The settings' part of every build: -I of ebpf.includePaths (relative ones from `workspaceRoot`, else kept as
 * given for clang's cwd, the source's directory), -D of ebpf.defines, then ebpf.cflags as they are.
 */
export function buildFlagsFromSettings(s: BuildSettings, workspaceRoot?: string): BuildFlags {
  const dir = (d: string) => (workspaceRoot ? path.resolve(workspaceRoot, d) : d);
  return {
    clang: s.clang,
    bpftool: s.bpftool,
    extraArgs: [...s.includePaths.flatMap((d) => ['-I', dir(d)]), ...s.defines.map((d) => `-D${d}`), ...s.cflags],
  };
}

/**
 * A launch configuration's `build` arguments over the settings': they come last, so their -D/-U and options win,
 * and their -I directories are searched first (clang takes the first -I that has the header).
 */
export function withLaunchBuildArgs(fromSettings: string[], launch: string[] | undefined): string[] {
  if (!launch || launch.length === 0) return fromSettings;
  const first: string[] = [];
  for (let i = 0; i < launch.length; i++) {
    if (launch[i] === '-I' && i + 1 < launch.length) first.push('-I', launch[++i]);
    else if (launch[i].startsWith('-I') && launch[i].length > 2) first.push(launch[i]);
  }
  return [...first, ...fromSettings, ...launch];
}

/**
 * The include directories and macros the lints and struct layouts preprocess with: ebpf.includePaths and
 * ebpf.defines, then the -I/-D/-U of ebpf.cflags (what the build would see).
 */
export function preprocessorSearchFromSettings(s: BuildSettings, workspaceRoot?: string): { includeDirs: string[]; defines: [string, string | null][] } {
  const args = buildFlagsFromSettings(s, workspaceRoot).extraArgs;
  const base = workspaceRoot ?? process.cwd();
  return { includeDirs: includeArgs(args).map((d) => path.resolve(base, d)), defines: defineArgs(args) };
}
