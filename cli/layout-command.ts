import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BtfLayouts } from '../core/btf/btf-layout';
import { formatLayout } from '../core/layout/format';
import type { StructLayout } from '../core/layout/types';
import { loadObjectSourceMap } from '../core/source-map/object-source-map';
import { CLayoutEngine } from '../core/layout/c-layout';
import { GoLayoutEngine } from '../core/layout/go-layout';
import { SourceAnalyzer } from '../core/analyze/analyze-source';
import { languageOfFile } from './lint-command';
import { UsageError, parseCommandArgs } from './args';

/** `ebpf-debugger layout --btf X.o [--struct NAME] [--json]`: struct layouts as the compiler laid them out. */
export async function runLayout(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    btf: { type: 'string' }, struct: { type: 'string' }, json: { type: 'boolean', default: false }, target: { type: 'string' },
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
async function analyzeSource(file: string, lang: 'c' | 'go') {
  if (!existsSync(file)) throw new UsageError(`${path.resolve(file)}: no such file.`);
  return new SourceAnalyzer().analyze(lang, readFileSync(file, 'utf8'), { file });
}

/** Layouts of a C source's structs for the BPF target, as the tree-sitter engine computes them. */
async function sourceLayouts(file: string, values: { struct?: string; json?: boolean; target?: string }): Promise<number> {
  if (values.target && values.target !== 'bpf') throw new UsageError(`C sources are laid out for the BPF target; --target ${values.target} is for Go sources.`);
  const model = (await analyzeSource(file, 'c')).cModel!;
  const engine = new CLayoutEngine(model);
  const structs: StructLayout[] = [];
  for (const rec of model.records) {
    if (!rec.name && !rec.typedefName) continue;
    const out = engine.structLayout(rec);
    if (out.ok) structs.push(out.value);
    else process.stderr.write(`ebpf-debugger layout: ${rec.name ?? rec.typedefName}: not laid out, ${out.reason} (build the object and use --btf)\n`);
  }
  return printLayouts(structs, file, values);
}

/** Layouts of a Go file's structs for amd64 or arm64, with encoding/binary's size. */
async function goLayouts(file: string, values: { struct?: string; json?: boolean; target?: string }): Promise<number> {
  const arch = values.target ?? 'amd64';
  if (arch !== 'amd64' && arch !== 'arm64') throw new UsageError(`Go layouts are for --target amd64 or arm64, not ${arch}.`);
  const model = (await analyzeSource(file, 'go')).goModel!;
  const engine = new GoLayoutEngine(model, arch);
  const structs: StructLayout[] = [];
  for (const s of model.structs) {
    const out = engine.structLayout(s);
    if (out.ok) structs.push(out.value);
    else process.stderr.write(`ebpf-debugger layout: ${s.name}: not laid out, ${out.reason}\n`);
  }
  return printLayouts(structs, file, values);
}

function printLayouts(all: StructLayout[], where: string, values: { struct?: string; json?: boolean }): number {
  let structs = all;
  if (values.struct) {
    const want = values.struct.replace(/^(struct|union) /, '');
    structs = structs.filter((s) => s.name.replace(/^(struct|union) /, '') === want);
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
