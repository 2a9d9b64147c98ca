import type { UnsafeRule } from '../rule';
import { nullCheck } from './null-check';
import { packetBounds } from './packet-bounds';
import { referenceLeak } from './reference-leak';
import { stackSize } from './stack-size';
import { unboundedLoop } from './unbounded-loop';
import { uninitStackHelper } from './uninit-stack-helper';
import { variableOffset } from './variable-offset';

/**
 * The path-sensitive rules of issue 13 (1-7), owned by H8; the registry (../registry.ts) lists them with the others.
 * They share one analysis of the file (analysis.ts), computed by the first rule that runs and reused by the others.
 */
export const flowRules: UnsafeRule[] = [nullCheck, packetBounds, referenceLeak, stackSize, uninitStackHelper, unboundedLoop, variableOffset];
