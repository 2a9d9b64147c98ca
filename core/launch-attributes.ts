import { isVmAccelRequest, VM_ACCEL_REQUESTS, type VmAccelRequest } from './kernel-matrix/accel';
import { CAPABILITY_SETS, isCapabilitySet, type CapabilitySet } from './loader/capabilities';

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
  /** A shell command that builds `program` (run in `cwd` first), or extra clang arguments for a .bpf.c. */
  build?: string | string[];
  /** Working directory for the build command and relative paths. */
  cwd?: string;
  /** Environment variables for the build command. */
  env?: Record<string, string>;
  /** Directories to look for sources the verifier names only by file name. */
  sourceRoots?: string[];
  /** Verify as a loader with only these capabilities would (the verdict depends on them). */
  capabilities?: CapabilitySet;
  /** Seconds a request to the loader helper may go unanswered before it is cancelled and the helper stopped. */
  timeout?: number;
  /** The kernels to verify on: `host` (the running kernel) and Debian kernels by series (`6.1`) booted in a VM. */
  kernels?: string[];
  /** How the VM kernels run: `auto` (KVM where it runs stock kernels, else TCG), `kvm` or `tcg`. */
  vmAccel?: VmAccelRequest;
  /** Set by the client: its storage directory for this workspace; the full verifier logs are saved under it. */
  storageDir?: string;
  /** Set by "Debug This Log": a directory of saved logs the session replays instead of asking the kernel. */
  replayLog?: string;
  /** Set by the client from ebpf.clang.path: the clang that builds a .bpf.c program. */
  clangPath?: string;
  /** Set by the client from ebpf.bpftool.path: the bpftool that generates vmlinux.h for it. */
  bpftoolPath?: string;
}

interface JsonSchemaProperty {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | ('string' | 'array')[];
  description: string;
  items?: { type: 'string' };
  additionalProperties?: { type: 'string' };
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
  build: {
    type: ['string', 'array'],
    items: { type: 'string' },
    description: 'A shell command that builds `program` first (e.g. "make prog.bpf.o"), or extra clang arguments (["-DDEBUG", "-I../include"]) when `program` is a .bpf.c. `preLaunchTask` works too.',
  },
  cwd: { type: 'string', description: 'Working directory for the build command and for relative paths.', default: '${workspaceFolder}' },
  env: { type: 'object', additionalProperties: { type: 'string' }, description: 'Environment variables for the build command.' },
  capabilities: {
    type: 'string',
    enum: Object.keys(CAPABILITY_SETS),
    default: 'full',
    description: 'Verify as a loader with only these capabilities would: the verdict depends on them (CAP_BPF alone rejects uninitialised stack reads that CAP_PERFMON allows; XDP and TC need CAP_NET_ADMIN).',
  },
  sourceRoots: {
    type: 'array',
    items: { type: 'string' },
    description: 'Directories to search for sources the verifier names only by file name (objects built without full paths).',
  },
  timeout: {
    type: 'number',
    description: 'Seconds the loader helper may take to answer (no log and no verdict) before the request is cancelled and the helper stopped. Default 600 (or EBPF_DEBUGGER_TIMEOUT).',
    default: 600,
    minimum: 1,
  },
  kernels: {
    type: 'array',
    items: { type: 'string' },
    default: ['host'],
    description: 'The kernels to verify on, one thread per program and kernel: "host" (the running kernel) and Debian kernels by series or ABI ("5.10", "6.1", "6.12", "6.1.0-50") booted in a QEMU VM. A kernel is downloaded once (tens of MB, said in the Debug Console) and cached.',
  },
  vmAccel: {
    type: 'string',
    enum: [...VM_ACCEL_REQUESTS],
    default: 'auto',
    description: 'How the VM kernels of "kernels" run: "auto" uses KVM where /dev/kvm runs stock kernels and emulates (TCG, several times slower) elsewhere, falling back to TCG once if KVM fails (said in the Debug Console); "kvm" or "tcg" forces one. Default: EBPF_DEBUGGER_VM_ACCEL, else auto.',
  },
  storageDir: {
    type: 'string',
    description: 'Internal: set by the extension to its storage directory for this workspace; full verifier logs are saved in <storageDir>/logs/<object>-<hash>/.',
  },
  replayLog: {
    type: 'string',
    description: 'Internal: set by "eBPF: Debug This Log": a directory of saved verifier logs the session replays instead of verifying in the kernel.',
  },
  clangPath: {
    type: 'string',
    description: 'Internal: set by the extension from ebpf.clang.path: the clang that builds a .bpf.c program (with ebpf.includePaths, ebpf.defines and ebpf.cflags before "build").',
  },
  bpftoolPath: {
    type: 'string',
    description: 'Internal: set by the extension from ebpf.bpftool.path: the bpftool that generates vmlinux.h for a .bpf.c program that includes it.',
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
  if (args.build !== undefined && typeof args.build !== 'string' && !(Array.isArray(args.build) && args.build.every((a) => typeof a === 'string'))) {
    return '"build" must be a shell command (string) or a list of clang arguments.';
  }
  if (args.capabilities !== undefined && !isCapabilitySet(args.capabilities)) {
    return `"capabilities" must be one of ${Object.keys(CAPABILITY_SETS).join(', ')}.`;
  }
  if (args.timeout !== undefined && !(typeof args.timeout === 'number' && Number.isFinite(args.timeout) && args.timeout > 0)) return '"timeout" must be a number of seconds above 0.';
  if (args.sourceRoots !== undefined && !(Array.isArray(args.sourceRoots) && args.sourceRoots.every((a) => typeof a === 'string'))) return '"sourceRoots" must be a list of directories.';
  if (args.kernels !== undefined && !(Array.isArray(args.kernels) && args.kernels.length > 0 && args.kernels.every((k) => typeof k === 'string'))) {
    return '"kernels" must be a non-empty list such as ["host", "6.1"].';
  }
  // "" or " , " names no kernel: refused here, where the launch fails with the configuration still open
  if (args.kernels?.some((k) => /^[\s,]*$/.test(k))) {
    return '"kernels" has an empty entry: list kernel names such as "host" (this machine) or "6.1" (a Debian kernel in a VM), or drop "kernels" to verify on this machine\'s kernel.';
  }
  if (args.vmAccel !== undefined && !isVmAccelRequest(args.vmAccel)) return `"vmAccel" must be one of ${VM_ACCEL_REQUESTS.join(', ')}, not ${JSON.stringify(args.vmAccel)}.`;
  if (args.storageDir !== undefined && typeof args.storageDir !== 'string') return '"storageDir" must be a directory.';
  if (args.replayLog !== undefined && typeof args.replayLog !== 'string') return '"replayLog" must be a directory of saved logs.';
  if (args.clangPath !== undefined && typeof args.clangPath !== 'string') return '"clangPath" must be a clang executable.';
  if (args.bpftoolPath !== undefined && typeof args.bpftoolPath !== 'string') return '"bpftoolPath" must be a bpftool executable.';
  return null;
}

/**
 * F5 without a launch.json: verify the active file when it is an eBPF source or object, else null
 * (the client then tells the user what to open).
 */
export function launchForActiveFile(fileName: string | undefined): (typeof INITIAL_CONFIGURATION & { program: string }) | null {
  if (!fileName || !/\.(c|o)$/.test(fileName)) return null;
  return { ...INITIAL_CONFIGURATION, program: fileName };
}
