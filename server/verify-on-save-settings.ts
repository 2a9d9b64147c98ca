/** Verify on save's settings, read through workspace/configuration by the names core/settings.ts declares. */
import type { Connection } from 'vscode-languageserver/node';
import { isCapabilitySet, type CapabilitySet } from '../core/loader/capabilities';
import { ACCEPTED_SUMMARY_SETTING, CAPABILITIES_SETTING, CLANG_PATH_SETTING, DEFINES_SETTING, INCLUDE_PATHS_SETTING, LOG_LEVEL_SETTING, VERIFY_ON_SAVE_SETTING, type SettingDeclaration } from '../core/settings';

export interface VerifySettings {
  enabled: boolean;
  /** An information at each accepted program: its statistics. */
  acceptedSummary: boolean;
  clang: string;
  includePaths: string[];
  defines: string[];
  logLevel: number;
  capabilities: CapabilitySet;
}

export const DEFAULT_VERIFY_SETTINGS: VerifySettings = {
  enabled: VERIFY_ON_SAVE_SETTING.default as boolean,
  acceptedSummary: ACCEPTED_SUMMARY_SETTING.default as boolean,
  clang: CLANG_PATH_SETTING.default as string,
  includePaths: [],
  defines: [],
  logLevel: LOG_LEVEL_SETTING.default as number,
  capabilities: CAPABILITIES_SETTING.default as CapabilitySet,
};

const DECLARED = [VERIFY_ON_SAVE_SETTING, CLANG_PATH_SETTING, INCLUDE_PATHS_SETTING, DEFINES_SETTING, LOG_LEVEL_SETTING, CAPABILITIES_SETTING, ACCEPTED_SUMMARY_SETTING];

/** The editor's answers (null or undefined: the default); a bad value is named in the log and the default kept. */
export function verifySettingsFrom(values: unknown[], warn: (message: string) => void): VerifySettings {
  const [enabled, clang, includePaths, defines, logLevel, capabilities, acceptedSummary] = values;
  const bad = (s: SettingDeclaration, v: unknown, want: string) => warn(`eBPF: ${s.name} must be ${want}, not ${JSON.stringify(v)}; the default ${JSON.stringify(s.default)} is used.`);
  const given = (v: unknown) => v !== null && v !== undefined;
  const out = { ...DEFAULT_VERIFY_SETTINGS };
  if (given(enabled)) {
    if (typeof enabled === 'boolean') out.enabled = enabled;
    else bad(VERIFY_ON_SAVE_SETTING, enabled, 'true or false');
  }
  if (given(acceptedSummary)) {
    if (typeof acceptedSummary === 'boolean') out.acceptedSummary = acceptedSummary;
    else bad(ACCEPTED_SUMMARY_SETTING, acceptedSummary, 'true or false');
  }
  if (given(clang)) {
    if (typeof clang === 'string' && clang.trim()) out.clang = clang.trim();
    else bad(CLANG_PATH_SETTING, clang, 'a clang executable');
  }
  const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (given(includePaths)) {
    if (strings(includePaths)) out.includePaths = includePaths as string[];
    else bad(INCLUDE_PATHS_SETTING, includePaths, 'an array of directories');
  }
  if (given(defines)) {
    if (strings(defines) && (defines as string[]).every((d) => /^[A-Za-z_]\w*(=.*)?$/s.test(d))) out.defines = defines as string[];
    else bad(DEFINES_SETTING, defines, 'an array of NAME or NAME=VALUE');
  }
  if (given(logLevel)) {
    if (Number.isInteger(logLevel) && (logLevel as number) >= 1 && (logLevel as number) <= 7) out.logLevel = (logLevel as number) | 1; // level 1 locates the reject
    else bad(LOG_LEVEL_SETTING, logLevel, 'an integer from 1 to 7');
  }
  if (given(capabilities)) {
    if (isCapabilitySet(capabilities)) out.capabilities = capabilities;
    else bad(CAPABILITIES_SETTING, capabilities, `one of ${CAPABILITIES_SETTING.enum!.join(', ')}`);
  }
  return out;
}

/**
 * Reads the settings now and whenever the configuration changes (the lint settings' watcher registers for the
 * `ebpf` section's change notifications; this one listens too). Without workspace/configuration: the defaults.
 */
export function watchVerifySettings(connection: Connection, configuration: boolean, apply: (s: VerifySettings) => void): void {
  if (!configuration) {
    apply(DEFAULT_VERIFY_SETTINGS);
    return;
  }
  const read = async () => {
    try {
      const values: unknown[] = await connection.workspace.getConfiguration(DECLARED.map((s) => ({ section: s.name })));
      apply(verifySettingsFrom(values, (m) => connection.console.warn(m)));
    } catch (e) {
      connection.console.warn(`eBPF: could not read the verify-on-save settings: ${(e as Error).message}`);
      apply(DEFAULT_VERIFY_SETTINGS);
    }
  };
  void read();
  connection.onDidChangeConfiguration(() => void read());
}
