/**
 * The extension's settings, declared once: package.json's contributes.configuration is generated from these
 * (scripts/sync-manifest.ts) and checked against them (test/unit/manifest.test.ts), and the language server reads
 * them by these names. Issue 16 wants every setting here.
 */
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

export const SETTINGS: readonly SettingDeclaration[] = [LINT_SEVERITY_SETTING];

/** package.json's contributes.configuration for these settings. */
export function configurationContribution(): object {
  const properties: Record<string, object> = {};
  for (const s of SETTINGS) {
    properties[s.name] = { type: s.type, default: s.default, description: s.description, scope: s.scope,
      ...(s.additionalProperties ? { additionalProperties: s.additionalProperties } : {}) };
  }
  return { title: 'eBPF Debugger', properties };
}
