/**
 * What a user verifying through the root-owned helper may ask of the kernel. Root sets the limits when it runs
 * `ebpf-debugger setup-privileges --install` (they live in limits.json of the root-owned install, beside dist/);
 * the helper enforces them before it loads whenever the requesting user is not root. Root running the helper
 * directly is not limited.
 */
export interface HelperLimits {
  /** Kernel memory of all maps of one object, estimated from its map definitions, bytes. */
  mapMemory: number;
  /** Verifier log buffer, bytes (the kernel writes the log into helper memory; level 2 fills it). */
  logBuffer: number;
  /** Wall time of one load in the kernel, seconds. */
  verifySeconds: number;
  /** Helpers one user may run at once. */
  helpersPerUser: number;
}

const MiB = 1024 * 1024;
export const DEFAULT_LIMITS: HelperLimits = { mapMemory: 256 * MiB, logBuffer: 256 * MiB, verifySeconds: 120, helpersPerUser: 2 };
/** The kernel refuses log_size > UINT_MAX >> 2. */
export const MAX_LOG_BUFFER = 1024 * MiB - 1;
export const LIMITS_FILE_NAME = 'limits.json';

interface LimitSpec { option: string; what: string; unit: 'bytes' | 'seconds' | 'count'; min: number; max: number }

export const LIMIT_SPECS: Record<keyof HelperLimits, LimitSpec> = {
  mapMemory: { option: 'max-map-memory', what: 'map memory per object', unit: 'bytes', min: 4096, max: 2 ** 50 },
  logBuffer: { option: 'max-log-buffer', what: 'verifier log buffer', unit: 'bytes', min: 64 * 1024, max: MAX_LOG_BUFFER },
  verifySeconds: { option: 'max-verify-seconds', what: 'verification wall time', unit: 'seconds', min: 1, max: 24 * 3600 },
  helpersPerUser: { option: 'max-helpers', what: 'concurrent helpers per user', unit: 'count', min: 1, max: 64 },
};

/** The one way byte counts read, in limit messages and helper trace lines: "812 bytes", "45.2 KiB", "3.1 MiB", "4.0 GiB". */
export function formatBytes(n: number): string {
  if (n >= 1024 * MiB) return `${(n / (1024 * MiB)).toFixed(1)} GiB`;
  if (n >= MiB) return `${(n / MiB).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

export function formatLimit(key: keyof HelperLimits, value: number): string {
  const { unit } = LIMIT_SPECS[key];
  return unit === 'bytes' ? formatBytes(value) : unit === 'seconds' ? `${value} s` : String(value);
}

/** `256MiB`, `1GiB`, `4096`, `90s`, `3`: the value as the setup command accepts it. */
export function parseLimitValue(key: keyof HelperLimits, text: string): number {
  const spec = LIMIT_SPECS[key];
  const m = /^(\d+(?:\.\d+)?)\s*(k|kib|m|mib|g|gib|s)?$/i.exec(text.trim());
  if (!m) throw new Error(`--${spec.option} takes a number${spec.unit === 'bytes' ? ' of bytes (e.g. 512MiB, 2GiB)' : ''}, not '${text}'.`);
  const scale: Record<string, number> = { k: 1024, kib: 1024, m: MiB, mib: MiB, g: 1024 * MiB, gib: 1024 * MiB, s: 1 };
  const unit = m[2]?.toLowerCase();
  if (unit && (spec.unit === 'bytes') === (unit === 's')) throw new Error(`--${spec.option}: '${text}' is not in ${spec.unit}.`);
  const value = Math.round(Number(m[1]) * (unit ? scale[unit] : 1));
  if (value < spec.min || value > spec.max) {
    throw new Error(`--${spec.option} must be between ${formatLimit(key, spec.min)} and ${formatLimit(key, spec.max)}, not ${formatLimit(key, value)}.`);
  }
  return value;
}

/** limits.json as the setup wrote it; unknown keys and out-of-range values are errors (root wrote it, so say so). */
export function parseLimitsFile(text: string): HelperLimits {
  const raw = JSON.parse(text) as Record<string, unknown>;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('limits.json is not a JSON object');
  const out = { ...DEFAULT_LIMITS };
  for (const [k, v] of Object.entries(raw)) {
    if (!(k in LIMIT_SPECS)) throw new Error(`limits.json has an unknown limit '${k}'`);
    const key = k as keyof HelperLimits;
    const spec = LIMIT_SPECS[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < spec.min || v > spec.max) throw new Error(`limits.json: ${k} must be an integer from ${spec.min} to ${spec.max}`);
    out[key] = v;
  }
  return out;
}

/** How root raises a limit: the same setup command with the option. */
export function raiseHint(key: keyof HelperLimits, suggested: number): string {
  const spec = LIMIT_SPECS[key];
  const value = spec.unit === 'bytes' ? `${Math.ceil(suggested / MiB)}MiB` : String(Math.ceil(suggested));
  return `Root sets it at setup time: \`sudo ebpf-debugger setup-privileges --install --user $USER --${spec.option} ${value}\` (written to limits.json of the root-owned install; the other limits are kept).`;
}

/** A refusal that names the limit, the value asked and (in the hint) how root raises it. */
export class LimitExceeded extends Error {
  readonly code = 'limit-exceeded';
  readonly hint: string;
  /** `asked` is a lower bound when the load was stopped at the limit (wall time): then say "more than". */
  constructor(readonly key: keyof HelperLimits, readonly asked: number, readonly limit: number, what: string, atLeast = false) {
    super(`${what}: ${atLeast ? 'more than ' : ''}${formatLimit(key, asked)} asked, over the limit of ${formatLimit(key, limit)} (${LIMIT_SPECS[key].what}) for verifying without root.`);
    this.name = 'LimitExceeded';
    this.hint = raiseHint(key, atLeast ? Math.max(asked, limit) * 4 : asked);
  }
}
