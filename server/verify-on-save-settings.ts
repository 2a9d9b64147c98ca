/** Verify on save's part of the settings (core/settings-values.ts parses them all; server/settings-watch.ts reads them). */
import type { CapabilitySet } from '../core/loader/capabilities';
import { DEFAULT_SETTINGS, type EbpfSettings } from '../core/settings-values';

export interface VerifySettings {
  enabled: boolean;
  /** An information at each accepted program: its statistics. */
  acceptedSummary: boolean;
  clang: string;
  /** Runs when a source includes vmlinux.h and has none beside it. */
  bpftool: string;
  includePaths: string[];
  defines: string[];
  /** Appended after the include paths and defines. */
  cflags: string[];
  logLevel: number;
  capabilities: CapabilitySet;
}

export function verifySettingsOf(s: EbpfSettings): VerifySettings {
  return {
    enabled: s.verifyOnSave, acceptedSummary: s.acceptedSummary, clang: s.clang, bpftool: s.bpftool, includePaths: s.includePaths,
    defines: s.defines, cflags: s.cflags, logLevel: s.logLevel, capabilities: s.capabilities,
  };
}

export const DEFAULT_VERIFY_SETTINGS: VerifySettings = verifySettingsOf(DEFAULT_SETTINGS);
