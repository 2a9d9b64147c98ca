/** Verify on save's part of the settings (core/settings-values.ts parses them all; server/settings-watch.ts reads them). */
import { DEFAULT_SETTINGS, type EbpfSettings } from '../core/settings-values';

/** `enabled` is ebpf.verifyOnSave; clang, bpftool, includePaths, defines and cflags make the build (verify-on-save-build.ts). */
export type VerifySettings = { enabled: boolean } & Pick<EbpfSettings, 'acceptedSummary' | 'clang' | 'bpftool' | 'includePaths' | 'defines' | 'cflags' | 'logLevel' | 'capabilities'>;

export function verifySettingsOf(s: EbpfSettings): VerifySettings {
  return {
    enabled: s.verifyOnSave, acceptedSummary: s.acceptedSummary, clang: s.clang, bpftool: s.bpftool, includePaths: s.includePaths,
    defines: s.defines, cflags: s.cflags, logLevel: s.logLevel, capabilities: s.capabilities,
  };
}

export const DEFAULT_VERIFY_SETTINGS: VerifySettings = verifySettingsOf(DEFAULT_SETTINGS);
