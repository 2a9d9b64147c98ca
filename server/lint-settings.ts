import { DidChangeConfigurationNotification, type Connection } from 'vscode-languageserver/node';
import { RULE_LEVELS, type RuleLevel, type SeverityOverrides } from '../core/rules/unsafe/lint-controls';
import { LINT_SEVERITY_SETTING } from '../core/settings';

/** `ebpf.lint.severity` from an editor's answer: valid entries kept, the others named in the log (never thrown). */
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

/**
 * Reads `ebpf.lint.severity` through workspace/configuration when the editor supports it, and again whenever the
 * configuration changes (registered dynamically: the client need not be set up to forward it).
 */
export function watchLintSettings(connection: Connection, supported: { configuration: boolean; dynamicChange: boolean },
  apply: (overrides: SeverityOverrides) => void): void {
  if (!supported.configuration) return;
  const read = async () => {
    try {
      const value: unknown = await connection.workspace.getConfiguration(LINT_SEVERITY_SETTING.name);
      apply(severityOverridesFrom(value, (m) => connection.console.warn(m)));
    } catch (e) {
      connection.console.warn(`eBPF: could not read ${LINT_SEVERITY_SETTING.name}: ${(e as Error).message}`);
    }
  };
  void read();
  if (supported.dynamicChange) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'ebpf' }).catch(() => undefined);
  connection.onDidChangeConfiguration(() => void read());
}
