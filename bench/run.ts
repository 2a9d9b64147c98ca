/**
 * `npm run bench`: figures for the loader and the log parser, measured on this machine's kernel.
 * Speed targets live here, not in tests. Prints one line per figure.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { buildBpfSource } from '../core/build/clang';
import { HelperClient } from '../core/loader/helper-client';
import { summarizeLog } from '../core/verifier-log/parse';

const REPO = path.resolve(__dirname, '..');
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const ms = (ns: bigint) => Number(ns) / 1e6;

function report(name: string, value: string): void {
  process.stdout.write(`${name.padEnd(52)} ${value}\n`);
}

async function main(): Promise<void> {
  const small = (await buildBpfSource(path.join(REPO, 'examples', 'count_ok.bpf.c'))).object;
  const loop = (await buildBpfSource(path.join(REPO, 'bench', 'programs', 'loop_log.bpf.c'), { extraArgs: ['-DLOOP_ITERS=4000'] })).object;
  const helper = new HelperClient({ helperPath: path.join(REPO, 'dist', 'helper.js') });
  try {
    await helper.verify({ path: small, program: 'count_ok', logLevel: 1 }); // warm up: libbpf feature probes

    const N = 300;
    const roundTrip: number[] = [];
    const inHelper: number[] = [];
    for (let i = 0; i < N; i++) {
      const t0 = process.hrtime.bigint();
      const out = await helper.verify({ path: small, program: 'count_ok', logLevel: 1 });
      roundTrip.push(ms(process.hrtime.bigint() - t0));
      inHelper.push(out.loadUs / 1000);
      if (out.errno !== 0) throw new Error(`count_ok did not verify: errno ${out.errno}`);
    }
    report(`helper verify, small program (n=${N}), bpf_object__load`, `median ${percentile(inHelper, 0.5).toFixed(3)} ms, p95 ${percentile(inHelper, 0.95).toFixed(3)} ms`);
    report(`helper verify, small program (n=${N}), request round trip`, `median ${percentile(roundTrip, 0.5).toFixed(3)} ms, p95 ${percentile(roundTrip, 0.95).toFixed(3)} ms`);

    const M = 50;
    const bpftool: number[] = [];
    const pin = `/sys/fs/bpf/ebpf-debugger-bench-${process.pid}`;
    for (let i = 0; i < M; i++) {
      const t0 = process.hrtime.bigint();
      execFileSync('bpftool', ['prog', 'load', small, pin], { stdio: 'ignore' });
      rmSync(pin);
      bpftool.push(ms(process.hrtime.bigint() - t0));
    }
    report(`spawn bpftool prog load + unpin, same object (n=${M})`, `median ${percentile(bpftool, 0.5).toFixed(3)} ms`);

    const t0 = process.hrtime.bigint();
    const big = await helper.verify({ path: loop, program: 'loop_log', logLevel: 2 });
    const captureMs = ms(process.hrtime.bigint() - t0);
    const logMB = big.logBytes / 1e6;
    report('level-2 log capture, loop_log (4000 iterations)', `${logMB.toFixed(1)} MB in ${captureMs.toFixed(0)} ms (one pass)`);

    const text = Buffer.concat(big.log).toString('utf8');
    big.log.length = 0;
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const p0 = process.hrtime.bigint();
    const summary = summarizeLog(text);
    const parseMs = ms(process.hrtime.bigint() - p0);
    const heapAfter = process.memoryUsage().heapUsed;
    report('summarizeLog (first cut, string based)', `${(logMB / (parseMs / 1000)).toFixed(0)} MB/s (${parseMs.toFixed(0)} ms), heap +${((heapAfter - heapBefore) / 1e6).toFixed(0)} MB, ${summary.insnLines} insn lines`);
  } finally {
    await helper.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
