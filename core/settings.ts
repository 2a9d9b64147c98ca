/**
 * The extension's settings, declared once: package.json's contributes.configuration is generated from these
 * (scripts/sync-manifest.ts) and checked against them (test/unit/manifest.test.ts), like the capabilities block that
 * restricts some in untrusted workspaces; the language server and the client read them by these names and parse them
 * with core/settings-values.ts.
 */
import { CAPABILITY_SETS } from './loader/capabilities';
import { RULE_LEVELS } from './rules/unsafe/lint-controls';

export interface SettingDeclaration {
  /** The full name, as users write it in settings.json. */
  name: string;
  type: 'object' | 'string' | 'boolean' | 'number' | 'array';
  default: unknown;
  description: string;
  /** VS Code's scope: where the setting may be set. */
  scope: 'application' | 'machine' | 'window' | 'resource' | 'language-overridable' | 'machine-overridable';
  /** JSON schema for the values of an object setting. */
  additionalProperties?: object;
  /** The values a string setting may take. */
  enum?: readonly string[];
  /** JSON schema for the items of an array setting (VS Code's patternErrorMessage too). */
  items?: object;
  minimum?: number;
  maximum?: number;
}

export const LINT_SEVERITY_SETTING: SettingDeclaration = {
  name: 'ebpf.lint.severity',
  type: 'object',
  default: {},
  description: 'Per-rule levels for the eBPF lints, by rule id: "off", "info", "warning" or "error" (e.g. { "modern-hints": "off", ' +
    '"attach-target": "info" }). A rule not named keeps its own severity. A single line is silenced with // ebpf-lint-disable-next-line RULE.',
  scope: 'resource',
  additionalProperties: { type: 'string', enum: [...RULE_LEVELS] },
};

/** Verify on save (issue 14): the language server builds a saved .bpf.c (or the sources a saved header is in) and verifies it. */
export const VERIFY_ON_SAVE_SETTING: SettingDeclaration = {
  name: 'ebpf.verifyOnSave',
  type: 'boolean',
  default: true,
  description: 'On save of a .bpf.c (or a header it includes), build it and verify every program in the running kernel; ' +
    'rejects appear in Problems at their line (source "eBPF verifier"), clang\'s errors too (source "clang"). Needs root or `ebpf-debugger setup-privileges`.',
  scope: 'resource',
};

/** Not `ebpf.verifyOnSave.…`: VS Code drops a setting whose name continues a leaf's (ebpf.verifyOnSave is a boolean). */
export const ACCEPTED_SUMMARY_SETTING: SettingDeclaration = {
  name: 'ebpf.acceptedSummary',
  type: 'boolean',
  default: false,
  description: 'Verify on save: also show an information at each accepted program (instructions processed, stack depth, ' +
    'verification time), to watch a program\'s complexity grow.',
  scope: 'resource',
};

export const CLANG_PATH_SETTING: SettingDeclaration = {
  name: 'ebpf.clang.path',
  type: 'string',
  default: 'clang',
  description: 'The clang executable every build runs (verify on save, Verify Object, debug sessions of a .bpf.c), and the lints run to read system headers\' ' +
    'macros: a name on PATH, or an absolute path, e.g. /usr/bin/clang-17. ' +
    'Ignored from the workspace\'s settings until the workspace is trusted.',
  scope: 'machine-overridable',
};

/** core/build/vmlinux.ts runs it: a source that includes vmlinux.h with none next to it gets the running kernel's. */
export const BPFTOOL_PATH_SETTING: SettingDeclaration = {
  name: 'ebpf.bpftool.path',
  type: 'string',
  default: 'bpftool',
  description: 'The bpftool executable that generates vmlinux.h (`bpftool btf dump file /sys/kernel/btf/vmlinux format c`) when a source includes ' +
    'vmlinux.h and has none next to it, for every build (verify on save, Verify Object, debug sessions): a name on PATH or an absolute path. ' +
    'Ignored from the workspace\'s settings until the workspace is trusted.',
  scope: 'machine-overridable',
};

export const INCLUDE_PATHS_SETTING: SettingDeclaration = {
  name: 'ebpf.includePaths',
  type: 'array',
  default: [],
  description: 'Extra -I directories (relative ones from the workspace folder) for every build (verify on save, Verify Object, debug sessions) and for the ' +
    'lints\' and struct layouts\' preprocessing, after those of the file\'s compile_commands.json entry.',
  scope: 'resource',
  items: { type: 'string' },
};

export const DEFINES_SETTING: SettingDeclaration = {
  name: 'ebpf.defines',
  type: 'array',
  default: [],
  description: 'Extra macros as NAME or NAME=VALUE (passed as -D) for every build (verify on save, Verify Object, debug sessions) and for the lints\' ' +
    'and struct layouts\' preprocessing, after those of the file\'s compile_commands.json entry.',
  scope: 'resource',
  items: { type: 'string' },
};

/** Any clang argument: a plugin (-fplugin=, -Xclang -load) runs code, hence restricted until the workspace is trusted. */
export const CFLAGS_SETTING: SettingDeclaration = {
  name: 'ebpf.cflags',
  type: 'array',
  default: [],
  description: 'Extra clang arguments, one per item (e.g. ["-Wall", "-DDEBUG", "-I../include"]), appended to every build (verify on save, Verify Object, ' +
    'debug sessions of a .bpf.c) after ebpf.includePaths and ebpf.defines; their -I, -D and -U also apply to the lints\' and struct layouts\' preprocessing. ' +
    'A launch configuration\'s "build" arguments come after them and win. Ignored from the workspace\'s settings until the workspace is trusted.',
  scope: 'resource',
  items: { type: 'string' },
};

export const LOG_LEVEL_SETTING: SettingDeclaration = {
  name: 'ebpf.logLevel',
  type: 'number',
  default: 5,
  description: 'The verifier log level for verify on save: 1 (the failing path), 2 (every state), 4 (statistics) or a sum; 5 (1+4) by default. ' +
    'Level 1 is always included: the reject\'s location comes from it.',
  scope: 'resource',
  minimum: 1,
  maximum: 7,
};

export const CAPABILITIES_SETTING: SettingDeclaration = {
  name: 'ebpf.capabilities',
  type: 'string',
  default: 'full',
  description: 'Verify on save as a loader with only these capabilities would: the verdict depends on them (e.g. without CAP_PERFMON ' +
    'the verifier refuses reads of uninitialised stack). "full" keeps the helper\'s own.',
  scope: 'resource',
  enum: Object.keys(CAPABILITY_SETS),
};

/** A `<TAG>_SYM:` tag, as VS Code's settings editor and core/settings-values.ts both check it. */
export const SYMBOL_TAG_PATTERN = '^[A-Z][A-Z0-9_]*$';

/** The CLI's `log --symbol-tag`: core/verifier-log attaches every tag unless told which. */
export const SYMBOL_TAGS_SETTING: SettingDeclaration = {
  name: 'ebpf.symbolTags',
  type: 'array',
  default: [],
  description: 'Which injected `<TAG>_SYM: symbol+0xOFF` lines of a verifier-log document are read (linked to the symbol\'s source and attached to the ' +
    'reject), by TAG: e.g. ["GO"] for cilium/ebpf\'s `GO_SYM:` alone, or your generator\'s own tag. Empty: every tag. Like the CLI\'s `log --symbol-tag`.',
  scope: 'resource',
  items: { type: 'string', pattern: SYMBOL_TAG_PATTERN, patternErrorMessage: 'A tag is upper case, as in GO for GO_SYM:.' },
};

export const LINT_EXCLUDE_SETTING: SettingDeclaration = {
  name: 'ebpf.lint.exclude',
  type: 'array',
  default: [],
  description: 'Files that get no lint diagnostics, as globs relative to the workspace folder (e.g. ["vendor/**", "**/vmlinux.h", "**/*_bpfel.go"]). ' +
    'Their hovers, lenses and verify on save stay.',
  scope: 'resource',
  items: { type: 'string' },
};

/** The language client's id is `ebpf`: vscode-languageclient itself reads `<id>.trace.server`. */
export const LANGUAGE_CLIENT_ID = 'ebpf';
export const TRACE_LEVELS = ['off', 'messages', 'verbose'] as const;
export type TraceLevel = typeof TRACE_LEVELS[number];

export const TRACE_SERVER_SETTING: SettingDeclaration = {
  name: `${LANGUAGE_CLIENT_ID}.trace.server`,
  type: 'string',
  default: 'off',
  description: 'Trace the messages between VS Code and the eBPF language server in its output channel ("eBPF Language Server"): ' +
    '"messages" names each, "verbose" adds their contents. For bug reports.',
  scope: 'window',
  enum: TRACE_LEVELS,
};

export const SETTINGS: readonly SettingDeclaration[] = [LINT_SEVERITY_SETTING, LINT_EXCLUDE_SETTING, VERIFY_ON_SAVE_SETTING, ACCEPTED_SUMMARY_SETTING,
  CLANG_PATH_SETTING, BPFTOOL_PATH_SETTING, INCLUDE_PATHS_SETTING, DEFINES_SETTING, CFLAGS_SETTING, LOG_LEVEL_SETTING, CAPABILITIES_SETTING,
  SYMBOL_TAGS_SETTING, TRACE_SERVER_SETTING];

/**
 * Settings naming a program or arguments to run: in an untrusted workspace VS Code ignores their workspace values
 * (package.json's capabilities.untrustedWorkspaces.restrictedConfigurations), so opening a repository cannot pick the
 * clang that runs, a clang plugin, or the bpftool. Include paths and defines only choose what is read.
 */
export const RESTRICTED_SETTINGS: readonly SettingDeclaration[] = [CLANG_PATH_SETTING, BPFTOOL_PATH_SETTING, CFLAGS_SETTING];

/** package.json's capabilities: limited support of untrusted workspaces (lints run; nothing is built or loaded). */
export function capabilitiesContribution(): object {
  return {
    untrustedWorkspaces: {
      supported: 'limited',
      description: 'In an untrusted workspace the lints, hovers, struct layouts and verifier-log documents work; nothing is built or loaded into the kernel ' +
        '(verify on save, Verify Object, debug sessions) until you trust it, and the workspace\'s clang, bpftool and cflags settings are ignored.',
      restrictedConfigurations: RESTRICTED_SETTINGS.map((s) => s.name),
    },
    virtualWorkspaces: false,
  };
}

/** package.json's contributes.configuration for these settings. */
export function configurationContribution(): object {
  const properties: Record<string, object> = {};
  for (const s of SETTINGS) {
    properties[s.name] = { type: s.type, default: s.default, description: s.description, scope: s.scope,
      ...(s.additionalProperties ? { additionalProperties: s.additionalProperties } : {}),
      ...(s.enum ? { enum: [...s.enum] } : {}), ...(s.items ? { items: s.items } : {}),
      ...(s.minimum !== undefined ? { minimum: s.minimum } : {}), ...(s.maximum !== undefined ? { maximum: s.maximum } : {}) };
  }
  return { title: 'eBPF Debugger', properties };
}
