import type { UnsafeRule } from '../rule';

/** The path-sensitive rules of issue 13 (1-7), owned by H8; the registry (../registry.ts) lists them with the others. */
export const flowRules: UnsafeRule[] = [];
