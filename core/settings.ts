/**
 * The extension's settings, declared once: package.json's contributes.configuration is generated from these
 * (scripts/sync-manifest.ts) and checked against them (test/unit/manifest.test.ts), and the language server reads
 * them by these names. Issue 16 wants every setting here.
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
  /** JSON schema for the items of an array setting. */
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

export const ACCEPTED_SUMMARY_SETTING: SettingDeclaration = {
  name: 'ebpf.verifyOnSave.acceptedSummary',
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
  description: 'The clang executable verify-on-save builds with (a name on PATH, or an absolute path, e.g. /usr/bin/clang-17).',
  scope: 'machine-overridable',
};

export const INCLUDE_PATHS_SETTING: SettingDeclaration = {
  name: 'ebpf.includePaths',
  type: 'array',
  default: [],
  description: 'Extra -I directories for building on save (relative ones from the workspace folder), after those of the file\'s compile_commands.json entry.',
  scope: 'resource',
  items: { type: 'string' },
};

export const DEFINES_SETTING: SettingDeclaration = {
  name: 'ebpf.defines',
  type: 'array',
  default: [],
  description: 'Extra macros for building on save, as NAME or NAME=VALUE (passed as -D), after those of the file\'s compile_commands.json entry.',
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

export const SETTINGS: readonly SettingDeclaration[] = [LINT_SEVERITY_SETTING, VERIFY_ON_SAVE_SETTING, ACCEPTED_SUMMARY_SETTING, CLANG_PATH_SETTING, INCLUDE_PATHS_SETTING,
  DEFINES_SETTING, LOG_LEVEL_SETTING, CAPABILITIES_SETTING];

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
