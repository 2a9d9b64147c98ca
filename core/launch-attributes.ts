/**
 * The `ebpf` debug type's launch attributes: the one source of truth. package.json's
 * contributes.debuggers[0].configurationAttributes is generated from this (scripts/sync-manifest.ts)
 * and a unit test fails when the two drift apart.
 */
export interface EbpfLaunchArguments {
  /** A BPF object (.o) or an eBPF C source (.bpf.c), built with clang -target bpf. */
  program: string;
  /** Verify only this program of the object. */
  programName?: string;
  /** Verifier log level: 1 (failing path), 2 (everything), 4 (stats), or a sum. */
  logLevel?: number;
}

interface JsonSchemaProperty {
  type: 'string' | 'number' | 'integer' | 'boolean';
  description: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
}

export const LAUNCH_ATTRIBUTES: Record<keyof EbpfLaunchArguments, JsonSchemaProperty> = {
  program: {
    type: 'string',
    description: 'The BPF object (.o) to verify, or an eBPF C source (.bpf.c) to build with `clang -g -O2 -target bpf` first.',
    default: '${file}',
  },
  programName: {
    type: 'string',
    description: 'Verify only this program of the object (default: every program, one at a time).',
  },
  logLevel: {
    type: 'integer',
    description: 'Verifier log level: 1 = the failing path, 2 = every explored state, 4 = statistics; sums combine them. Default 5.',
    default: 5,
    minimum: 1,
    maximum: 7,
  },
};

export const REQUIRED_LAUNCH_ATTRIBUTES: (keyof EbpfLaunchArguments)[] = ['program'];

export const DEBUG_TYPE = 'ebpf';

export const INITIAL_CONFIGURATION = {
  type: DEBUG_TYPE,
  request: 'launch',
  name: 'eBPF: verify current file',
  program: '${file}',
};

/** Check a launch configuration; returns a user-facing problem or null. */
export function validateLaunchArguments(args: Partial<EbpfLaunchArguments> | undefined): string | null {
  if (!args || typeof args !== 'object') return 'The launch configuration needs "program": a BPF object (.o) or an eBPF C source (.bpf.c).';
  if (typeof args.program !== 'string' || args.program.trim() === '') {
    return 'The launch configuration needs "program": a BPF object (.o) or an eBPF C source (.bpf.c).';
  }
  if (args.logLevel !== undefined && (!Number.isInteger(args.logLevel) || args.logLevel < 1 || args.logLevel > 7)) {
    return `"logLevel" must be an integer from 1 to 7, not ${JSON.stringify(args.logLevel)}.`;
  }
  if (args.programName !== undefined && typeof args.programName !== 'string') return '"programName" must be a string.';
  return null;
}
