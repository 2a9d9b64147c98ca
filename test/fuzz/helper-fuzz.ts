/**
 * Drive the loader helper process itself (not only our readers) with mutated objects: each one is written to a
 * file and verified with `verifyAll` at log level 1. Every input must be answered (a result or a typed error);
 * a helper that dies (SIGSEGV in libbpf, an abort) or stops answering is a finding, kept with its seed and bytes.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { isEbpfError } from '../../core/errors';
import { HelperClient } from '../../core/loader/helper-client';
import { rng } from './log-mutator';
import { mutateObject } from './object-mutator';

export interface HelperFuzzOptions {
  helperPath: string;
  objects: Buffer[];
  count: number;
  firstSeed?: number;
  /** Where inputs are written (and crashing ones kept as crash-<seed>.o). */
  dir: string;
  /** A request unanswered this long is a hang. */
  timeoutMs?: number;
  /** Environment for the helper: SUDO_UID/SUDO_GID play sudo, so it runs as that user, with the limits. */
  env?: NodeJS.ProcessEnv;
}

export interface HelperFuzzTally {
  inputs: number;
  /** Every program of the object went through the kernel (accepted or rejected by the verifier). */
  loaded: number;
  /** Refused by the helper's own checks before libbpf saw it. */
  refusedByChecks: number;
  /** libbpf (or the kernel) refused to open or load it, with a typed error. */
  refusedByLibbpf: number;
  otherErrors: Record<string, number>;
  crashes: { seed: number; why: string; file: string }[];
  hangs: { seed: number; file: string }[];
  slowestMs: number;
  seconds: number;
}

export async function fuzzHelper(o: HelperFuzzOptions): Promise<HelperFuzzTally> {
  const tally: HelperFuzzTally = { inputs: 0, loaded: 0, refusedByChecks: 0, refusedByLibbpf: 0, otherErrors: {}, crashes: [], hangs: [], slowestMs: 0, seconds: 0 };
  const start = () => new HelperClient({ helperPath: o.helperPath, elevate: 'none', timeoutMs: o.timeoutMs ?? 30_000, env: o.env });
  let client = start();
  const t0 = performance.now();
  const first = o.firstSeed ?? 1;
  try {
    for (let seed = first; seed < first + o.count; seed++) {
      const input = mutateObject(o.objects[seed % o.objects.length], rng(seed));
      const file = path.join(o.dir, `input-${seed % 64}.o`);
      writeFileSync(file, input);
      const s = performance.now();
      tally.inputs++;
      try {
        await client.verifyAll(file, 1);
        tally.loaded++;
      } catch (e) {
        if (!isEbpfError(e)) throw e;
        if (e.code === 'helper-failed' && /stopped \(/.test(e.message)) {
          const kept = path.join(o.dir, `crash-${seed}.o`);
          writeFileSync(kept, input);
          tally.crashes.push({ seed, why: e.message.split('\n')[0], file: kept });
          await client.close();
          client = start();
        } else if (e.code === 'timeout') {
          const kept = path.join(o.dir, `hang-${seed}.o`);
          writeFileSync(kept, input);
          tally.hangs.push({ seed, file: kept });
        } else if (e.code === 'not-an-object' && /libbpf can open/.test(e.message)) {
          tally.refusedByLibbpf++;
        } else if (e.code === 'not-an-object' || e.code === 'program-not-found') {
          tally.refusedByChecks++;
        } else {
          tally.otherErrors[e.code] = (tally.otherErrors[e.code] ?? 0) + 1;
        }
      }
      tally.slowestMs = Math.max(tally.slowestMs, performance.now() - s);
    }
  } finally {
    await client.close();
  }
  tally.seconds = (performance.now() - t0) / 1000;
  return tally;
}
