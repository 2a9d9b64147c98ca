import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BtfLayouts } from '../core/btf/btf-layout';
import { formatLayout } from '../core/layout/format';
import type { LayoutOutcome, StructLayout } from '../core/layout/types';
import { loadObjectSourceMap } from '../core/source-map/object-source-map';
import { CLayoutEngine } from '../core/layout/c-layout';
import { GoLayoutEngine } from '../core/layout/go-layout';
import { cliAnalyzer, INCLUDE_DIR_OPTION, languageOfFile } from './lint-command';
import { DEFINE_OPTION, parseCommandArgs, parseDefines, UsageError } from './args';

/** `ebpf-debugger layout --btf X.o [--struct NAME] [--json]`: struct layouts as the compiler laid them out. */
export async function runLayout(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    btf: { type: 'string' }, struct: { type: 'string' }, json: { type: 'boolean', default: false }, target: { type: 'string' }, ...INCLUDE_DIR_OPTION,
    ...DEFINE_OPTION,
  });
  if (!values.btf && positionals.length === 1 && languageOfFile(positionals[0]) === 'c') return sourceLayouts(positionals[0], values);
  if (!values.btf && positionals.length === 1 && languageOfFile(positionals[0]) === 'go') return goLayouts(positionals[0], values);
  const object = values.btf;
  if (!object || positionals.length > 0) throw new UsageError('name a C source (layout prog.bpf.c) or a compiled object (layout --btf prog.bpf.o).');
  if (!existsSync(object)) throw new UsageError(`${path.resolve(object)}: no such file.`);
  const { obj, problem } = loadObjectSourceMap(object);
  if (!obj?.btf) throw new UsageError(`${path.resolve(object)}: ${problem ?? 'no BTF'}`);
  return printLayouts(new BtfLayouts(obj.btf).all(), object, values);
}

/** A source's model, with the types its headers, package or compiled object supply. */
async function analyzeSource(file: string, lang: 'c' | 'go', includeDirs: string[] = [], defines: [string, string][] = []) {
  if (!existsSync(file)) throw new UsageError(`${path.resolve(file)}: no such file.`);
  return cliAnalyzer(includeDirs, defines).analyze(lang, readFileSync(file, 'utf8'), { file });
}

/** One struct of a source: its layout, or why this tool cannot compute it. */
type NamedOutcome = { name: string; out: LayoutOutcome<StructLayout> };

/** Layouts of a C source's structs for the BPF target, as the tree-sitter engine computes them. */
type LayoutValues = { struct?: string; json?: boolean; target?: string; 'include-dir'?: string[]; define?: string[] };

async function sourceLayouts(file: string, values: LayoutValues): Promise<number> {
  if (values.target && values.target !== 'bpf') throw new UsageError(`C sources are laid out for the BPF target; --target ${values.target} is for Go sources.`);
  const model = (await analyzeSource(file, 'c', values['include-dir'], parseDefines(values.define))).cModel!;
  const engine = new CLayoutEngine(model);
  // --struct may name a struct of a header the source includes, as "Show Struct Layout" in the editor does
  const included = values.struct ? engine.recordNamed(values.struct) : undefined;
  const named = included && !model.records.includes(included) ? [included]
    : model.records.filter((rec) => (rec.name || rec.typedefName) && engine.isCompiled(rec));
  return printOutcomes(named.map((rec) => ({ name: rec.name ?? rec.typedefName!, out: engine.structLayout(rec) })), file, values, ' (give the build\'s -I and -D, or build the object and use --btf)');
}

/** Layouts of a Go file's structs for amd64 or arm64, with encoding/binary's size. */
async function goLayouts(file: string, values: LayoutValues): Promise<number> {
  const arch = values.target ?? 'amd64';
  if (arch !== 'amd64' && arch !== 'arm64') throw new UsageError(`Go layouts are for --target amd64 or arm64, not ${arch}.`);
  const model = (await analyzeSource(file, 'go')).goModel!;
  const engine = new GoLayoutEngine(model, arch);
  return printOutcomes(model.structs.map((s) => ({ name: s.name, out: engine.structLayout(s) })), file, values, '');
}

/** Print the laid-out structs (only --struct's, when given) and say on stderr which could not be laid out and why. */
function printOutcomes(all: NamedOutcome[], file: string, values: { struct?: string; json?: boolean }, hint: string): number {
  const wanted = values.struct ? all.filter((o) => o.name === bareName(values.struct!)) : all;
  for (const { name, out } of wanted) if (!out.ok) process.stderr.write(`ebpf-debugger layout: ${name}: not laid out, ${out.reason}${hint}\n`);
  const laidOut = wanted.flatMap((o) => (o.out.ok ? [o.out.value] : []));
  if (values.struct && wanted.length > 0 && laidOut.length === 0) return 2; // the one asked for was explained above
  return printLayouts(laidOut, file, values);
}

const bareName = (name: string) => name.replace(/^(struct|union) /, '');

function printLayouts(all: StructLayout[], where: string, values: { struct?: string; json?: boolean }): number {
  let structs = all;
  if (values.struct) {
    const want = bareName(values.struct);
    structs = structs.filter((s) => bareName(s.name) === want);
    if (structs.length === 0) throw new UsageError(`${where} has no struct or union named '${values.struct}'.`);
  }
  if (values.json) {
    const strip = (s: StructLayout) => ({ ...s, holes: s.holes.map(({ offset, size }) => ({ offset, size })) });
    process.stdout.write(JSON.stringify({ structs: structs.map(strip) }, null, 2) + '\n');
  } else {
    process.stdout.write(structs.map(formatLayout).join('\n\n') + '\n');
  }
  return 0;
}
