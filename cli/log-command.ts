import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildProgramReport } from '../core/verify/program-report';
import type { Verdict } from '../core/verify/report';
import { loadObjectSourceMap, programMap } from '../core/source-map/object-source-map';
import { analyzeLog } from '../core/verifier-log/parse';
import { logVerdict } from '../core/verifier-log/summary';
import { UsageError, parseCommandArgs } from './args';
import { formatProgram } from './format-human';

function readInput(file: string): Buffer {
  if (file === '-') return readFileSync(0);
  return readFileSync(file);
}

/** `ebpf-debugger log <file|-> [--json]`: the reject summary of a saved or pasted verifier log. */
export async function runLog(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    json: { type: 'boolean', default: false },
    'source-root': { type: 'string', multiple: true },
    'symbol-tag': { type: 'string', multiple: true },
    object: { type: 'string' },
    program: { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError('name one log file (or - for standard input).');
  const file = positionals[0];
  if (file !== '-' && (!existsSync(file) || statSync(file).isDirectory())) throw new UsageError(`${path.resolve(file)}: no such file.`);
  const buf = readInput(file);
  const { index, summary } = analyzeLog(buf, { symbolTags: values['symbol-tag'] });
  const verdict: Verdict = logVerdict(summary);
  const noVerdict = verdict !== 'unknown' ? null : buf.length === 0 || !/\S/.test(buf.toString('latin1'))
    ? 'The log is empty: it holds no verdict. Capture it with `ebpf-debugger verify --log-level 2 --json`, `bpftool -d prog load`, or libbpf\'s kernel_log_buf.'
    : summary.insnLines > 0
      ? 'The log holds no verdict: it ends before the verifier\'s verdict (no error and no "processed N insns" line), so it looks cut.'
      : 'The log holds no verdict: it has no instruction, no error after one and no "processed N insns" line, so it is not a verifier log (or only a piece of one).';
  const roots = [...(file === '-' ? [] : [path.dirname(path.resolve(file))]), process.cwd(), ...(values['source-root'] ?? [])];
  let obj = null;
  let map = null;
  let name = values.program ?? index.wrappedProgram ?? null;
  if (values.object) {
    const loaded = loadObjectSourceMap(values.object);
    if (!loaded.obj) throw new UsageError(`--object ${values.object}: ${loaded.problem}`);
    obj = loaded.obj;
    const programs = obj.programs.map((p) => p.name);
    name ??= programs.length === 1 ? programs[0] : null;
    if (!name || !programs.includes(name)) throw new UsageError(`name the program this log belongs to with --program (the object has: ${programs.join(', ')}).`);
    map = programMap(obj, name);
    if (!map) process.stderr.write(`ebpf-debugger log: ${values.object} has no line_info (${loaded.problem}); using the log's annotations.\n`);
    roots.unshift(path.dirname(path.resolve(values.object)));
  }
  const report = buildProgramReport(summary, {
    obj,
    map,
    name: name ?? (file === '-' ? 'stdin' : path.basename(file)),
    section: null,
    verdict,
    errno: summary.errno,
    logBytes: buf.length,
    truncated: summary.truncated.head || summary.truncated.tail,
    libbpf: [],
    roots,
    index,
  });
  if (values.json) {
    const doc = { log: file === '-' ? null : path.resolve(file), kernel: null, programs: [report], ...(noVerdict ? { error: { kind: 'no-verdict', message: noVerdict } } : {}) };
    process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  } else {
    if (noVerdict) process.stdout.write(noVerdict + '\n');
    process.stdout.write(formatProgram(report) + '\n');
  }
  return verdict === 'accepted' ? 0 : 1;
}
