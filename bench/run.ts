/**
 * `npm run bench`: figures for the loader and the log parser, measured on this machine's kernel.
 * Speed targets live here, not in tests. Prints one line per figure. It runs bundled (out/bench.js), as the product
 * does: under a per-file transform (tsx) every cross-module const-enum read is a getter call and the engine is 3x slower.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { buildBpfSource } from '../core/build/clang';
import { HelperClient } from '../core/loader/helper-client';
import { SourceAnalyzer } from '../core/analyze/analyze-source';
import { secFunctions } from '../core/source/sec-functions';
import { analyzeLog } from '../core/verifier-log/parse';
import { stateAt } from '../core/verifier-log/state-at';
import { benchLargeDocument } from './large-document';
import { benchLintTrees } from './lint-trees';
import { benchCausalPath } from './causal-path';
import { benchKernelMatrix } from './kernel-matrix';
import { benchManyPrograms } from './many-programs';
import { benchVerifyOnSave } from './verify-on-save';

const REPO = path.resolve(__dirname, '..');
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const ms = (ns: bigint) => Number(ns) / 1e6;

function report(name: string, value: string): void {
  process.stdout.write(`${name.padEnd(52)} ${value}\n`);
}

/** Repeat the middle of a real log (whole lines) up to `size` bytes, keeping its head and its reject at the end. */
function grow(log: Buffer, size: number): Buffer {
  const from = log.indexOf(10, Math.floor(log.length * 0.1)) + 1;
  const to = log.indexOf(10, Math.floor(log.length * 0.9)) + 1;
  if (from <= 0 || to <= from) throw new Error('the log is too small to grow');
  const [head, body, end] = [log.subarray(0, from), log.subarray(from, to), log.subarray(to)];
  const out = Buffer.allocUnsafe(size);
  let pos = head.copy(out, 0);
  while (pos + body.length + end.length <= size) pos += body.copy(out, pos);
  pos += end.copy(out, pos);
  return out.subarray(0, pos);
}

function benchEngine(name: string, log: Buffer): void {
  global.gc?.();
  const before = process.memoryUsage();
  const t0 = process.hrtime.bigint();
  const { index, summary } = analyzeLog(log);
  const engineMs = ms(process.hrtime.bigint() - t0);
  global.gc?.();
  const after = process.memoryUsage();
  // the index's typed arrays (their whole allocations, not the filled views) plus what the summary left on the heap
  const indexBytes = [index.lineStart, index.kinds, index.insnLines, index.insnIndex].reduce((n, a) => n + a.buffer.byteLength, 0);
  const extra = indexBytes + Math.max(0, after.heapUsed - before.heapUsed);
  const mb = log.length / 1e6;
  report(`${name}: ${mb.toFixed(0)} MB, ${index.lineCount} lines`, `${(mb / (engineMs / 1000)).toFixed(0)} MB/s to the reject summary (${engineMs.toFixed(0)} ms)`);
  report(`${name}: index and summary memory`, `${(extra / 1e6).toFixed(0)} MB (${(extra / log.length).toFixed(2)}x the log; log + index + summary = ${((log.length + extra) / log.length).toFixed(2)}x)`);
  report(`${name}: reject`, `${summary.messageLines[0] ?? '(none)'} at insn ${summary.insn}, path of ${summary.path.length} insns`);
  const times: number[] = [];
  const r = () => Math.floor(Math.random() * index.insnLines.length);
  for (const pos of [index.insnLines.length - 1, ...Array.from({ length: 200 }, r)]) {
    const s0 = process.hrtime.bigint();
    stateAt(index, index.insnLines[pos]);
    times.push(ms(process.hrtime.bigint() - s0));
  }
  report(`${name}: state at an instruction (n=${times.length})`, `median ${percentile(times, 0.5).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms`);
}

/** A C file of about `lines` lines: structs, hash maps keyed by them, and a program touching each. */
function bigCSource(lines: number): string {
  const out = ['#include <linux/bpf.h>', '#include <bpf/bpf_helpers.h>'];
  for (let i = 0; out.length < lines; i++) {
    out.push(`struct key${i} {`, '\t__u8 proto;', '\t__u32 addr;', '\t__u16 port;', '\t__u64 ifindex;', '};', 'struct {',
      '\t__uint(type, BPF_MAP_TYPE_HASH);', '\t__uint(max_entries, 1024);', `\t__type(key, struct key${i});`, '\t__type(value, __u64);',
      `} map${i} SEC(".maps");`, '');
  }
  return out.join('\n');
}

/** A Go file of about `lines` lines: types mirrored from C, each handed to a cilium/ebpf map call. */
function bigGoSource(lines: number): string {
  const out = ['package main', '', 'import "github.com/cilium/ebpf"', ''];
  for (let i = 0; out.length < lines; i++) {
    out.push(`//ebpf:struct key${i}`, `type Key${i} struct {`, '\tProto uint8', '\tAddr uint32', '\tPort uint16', '\tIfindex uint64', '}', '',
      `func lookup${i}(m *ebpf.Map) uint64 {`, `\tvar k Key${i}`, '\tvar v uint64', '\t_ = m.Lookup(&k, &v)', '\treturn v', '}', '');
  }
  return out.join('\n');
}

/**
 * Lint (parse, model, layouts, rules) of a 5,000-line file after a one-character edit, as the server does it: the
 * document's previous tree is reparsed incrementally. The cold figure parses from scratch each time.
 */
async function benchLint(): Promise<void> {
  const sources = { c: { text: bigCSource(5000), edit: '__u32 addr;' }, go: { text: bigGoSource(5000), edit: '\tAddr' } };
  for (const language of ['c', 'go'] as const) {
    const { text, edit } = sources[language];
    // an edit inside a line; a new line at the top (every later declaration moves: the worst case for reuse); none kept
    for (const mode of ['after an edit', 'after a new line at the top', 'cold, no previous tree'] as const) {
      const analyzer = new SourceAnalyzer();
      if (language === 'go') await analyzer.learnC(bigCSource(5000)); // go-c-mismatch compares with the C structs
      const document = mode === 'cold, no previous tree' ? undefined : `file:///bench.${language}`;
      const times: number[] = [];
      let findings = 0;
      for (let i = 0; i < 40; i++) {
        const edited = mode === 'after a new line at the top'
          ? text.replace('\n', i % 2 ? '\n\n' : '\n')
          : text.replace(edit, `${edit.replace(/;$/, '')}${i}${edit.endsWith(';') ? ';' : ''}`);
        const t0 = process.hrtime.bigint();
        const a = await analyzer.analyze(language, edited, { document });
        times.push(ms(process.hrtime.bigint() - t0));
        findings = a.findings.length;
      }
      const warm = times.slice(5);
      report(`lint ${mode}, 5,000-line ${language === 'c' ? 'C' : 'Go'} file (${findings} findings)`, `median ${percentile(warm, 0.5).toFixed(1)} ms, p95 ${percentile(warm, 0.95).toFixed(1)} ms (goal 30 ms)`);
    }
  }
  // the bench file above has no programs; the verifier-pattern rules (issue 13) work on programs: their corpus, per file
  const good = path.join(REPO, 'test', 'programs', 'unsafe', 'good');
  const analyzer = new SourceAnalyzer();
  const times: number[] = [];
  for (const f of readdirSync(good).filter((n) => n.endsWith('.bpf.c'))) {
    const text = readFileSync(path.join(good, f), 'utf8');
    for (let i = 0; i < 6; i++) {
      const t0 = process.hrtime.bigint();
      await analyzer.analyze('c', `${text}// edit ${i}\n`, { document: `file:///${f}` });
      if (i > 0) times.push(ms(process.hrtime.bigint() - t0));
    }
  }
  report('lint after an edit, a BPF program (test/programs/unsafe/good, every rule)', `median ${percentile(times, 0.5).toFixed(1)} ms, p95 ${percentile(times, 0.95).toFixed(1)} ms`);
  // the SEC() programs of a document: scanned again on every code lens request
  const one = 'SEC("xdp")\nint p_N(struct xdp_md *ctx)\n{\n\t/* body */\n\treturn XDP_PASS;\n}\n';
  const programs = Array.from({ length: 5000 }, (_, i) => one.replace('N', String(i))).join('\n');
  const scans: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = process.hrtime.bigint();
    secFunctions(programs);
    scans.push(ms(process.hrtime.bigint() - t0));
  }
  report('SEC() programs of a 30,000-line file (5,000 programs)', `median ${percentile(scans, 0.5).toFixed(1)} ms, max ${Math.max(...scans).toFixed(1)} ms (goal 200 ms)`);
}

/** `npm run bench -- NAME` runs one group of figures: `lint` (the editor's and the CLI's), or one of its parts. */
const SECTIONS = { lint: ['edit', 'lint-trees', 'large-document'], edit: ['edit'], 'lint-trees': ['lint-trees'], 'large-document': ['large-document'],
  // Debian 5.10, 6.1, 6.12, 7.3 under QEMU: the cold figures download about 115 MB twice into scratch caches
  'kernel-matrix': ['kernel-matrix'], 'causal-path': ['causal-path'], 'many-programs': ['many-programs'], 'verify-on-save': ['verify-on-save'] };

async function main(): Promise<void> {
  const only = process.argv[2] as keyof typeof SECTIONS | undefined;
  if (only && !(only in SECTIONS)) throw new Error(`unknown benchmark section '${only}': one of ${Object.keys(SECTIONS).join(', ')}, or none for all`);
  const parts = only ? SECTIONS[only] : SECTIONS.lint;
  if (parts.includes('edit')) await benchLint();
  if (parts.includes('lint-trees')) benchLintTrees(REPO, report);
  if (parts.includes('large-document')) await benchLargeDocument(REPO, report);
  if (!only || parts.includes('kernel-matrix')) await benchKernelMatrix(REPO, report);
  if (!only || parts.includes('causal-path')) await benchCausalPath(REPO, report, grow);
  if (!only || parts.includes('many-programs')) await benchManyPrograms(REPO, report);
  if (!only || parts.includes('verify-on-save')) await benchVerifyOnSave(REPO, report);
  if (only) return; // the loader and log engine figures need the kernel and take minutes
  const small = (await buildBpfSource(path.join(REPO, 'examples', 'count_ok.bpf.c'))).object;
  const loop = (await buildBpfSource(path.join(REPO, 'bench', 'programs', 'loop_log.bpf.c'), { extraArgs: ['-DLOOP_ITERS=12000'] })).object;
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
      execFileSync('bpftool', ['-d', 'prog', 'load', small, pin], { stdio: 'ignore' });
      rmSync(pin);
      bpftool.push(ms(process.hrtime.bigint() - t0));
    }
    report(`spawn bpftool -d prog load + unpin, same object (n=${M})`, `median ${percentile(bpftool, 0.5).toFixed(3)} ms`);

    // a level-2 log of 60 MB or more in one pass: round trip, the kernel's own share, the helper's peak RSS
    const sixty = (await buildBpfSource(path.join(REPO, 'bench', 'programs', 'loop_log.bpf.c'), { extraArgs: ['-DLOOP_ITERS=7000'], outDir: path.join(REPO, 'out', 'bench-7000') })).object;
    const { pid } = await helper.hello();
    const c0 = process.hrtime.bigint();
    const mid = await helper.verify({ path: sixty, program: 'loop_log', logLevel: 2 });
    const capMs = ms(process.hrtime.bigint() - c0);
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    report('level-2 log capture in one pass (loop_log, 7000 iterations)', `${(mid.logBytes / 1e6).toFixed(1)} MB in ${capMs.toFixed(0)} ms (kernel load ${(mid.loadUs / 1000).toFixed(0)} ms), helper peak RSS ${hwm.toFixed(0)} MB`);
    mid.log.length = 0;

    const t0 = process.hrtime.bigint();
    const big = await helper.verify({ path: loop, program: 'loop_log', logLevel: 2 });
    const captureMs = ms(process.hrtime.bigint() - t0);
    const log = Buffer.concat(big.log);
    big.log.length = 0;
    report('level-2 log capture, loop_log (12000 iterations)', `${(log.length / 1e6).toFixed(1)} MB in ${captureMs.toFixed(0)} ms (one pass, ${big.errno ? 'rejected' : 'accepted'})`);
    benchEngine('log engine, real level-2 log', log);
    benchEngine('log engine, synthetic 1 GiB log (past V8\'s string limit)', grow(log, 1024 * 1024 * 1024));
  } finally {
    await helper.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
