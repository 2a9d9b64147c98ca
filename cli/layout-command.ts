import { existsSync } from 'node:fs';
import path from 'node:path';
import { BtfLayouts } from '../core/btf/btf-layout';
import type { StructLayout } from '../core/layout/types';
import { loadObjectSourceMap } from '../core/source-map/object-source-map';
import { UsageError, parseCommandArgs } from './args';

function formatLayout(s: StructLayout): string {
  const lines = [`${s.name} {  /* size ${s.size}, align ${s.align} */`];
  const holes = [...s.holes];
  for (const f of s.fields) {
    while (holes.length > 0 && holes[0].offset < f.offset && !holes[0].trailing) {
      const h = holes.shift()!;
      lines.push(`    /* XXX ${h.size} byte hole at ${h.offset} */`);
    }
    const bits = f.bitSize !== undefined ? `:${f.bitSize}  /* bit ${f.bitOffset} */` : '';
    lines.push(`    ${`${f.type} ${f.name}${bits};`.padEnd(40)} /* ${String(f.offset).padStart(4)} ${String(f.size).padStart(4)} */`);
  }
  for (const h of holes) lines.push(`    /* XXX ${h.size} byte${h.trailing ? 's of trailing padding' : ' hole'} at ${h.offset} */`);
  lines.push('};');
  return lines.join('\n');
}

/** `ebpf-debugger layout --btf X.o [--struct NAME] [--json]`: struct layouts as the compiler laid them out. */
export async function runLayout(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { btf: { type: 'string' }, struct: { type: 'string' }, json: { type: 'boolean', default: false } });
  const object = values.btf ?? positionals[0];
  if (!object || (values.btf && positionals.length > 0)) throw new UsageError('name a compiled object: layout --btf prog.bpf.o');
  if (!existsSync(object)) throw new UsageError(`${path.resolve(object)}: no such file.`);
  const { obj, problem } = loadObjectSourceMap(object);
  if (!obj?.btf) throw new UsageError(`${path.resolve(object)}: ${problem ?? 'no BTF'}`);
  let structs = new BtfLayouts(obj.btf).all();
  if (values.struct) {
    const want = values.struct.replace(/^(struct|union) /, '');
    structs = structs.filter((s) => s.name.replace(/^(struct|union) /, '') === want);
    if (structs.length === 0) throw new UsageError(`${object} has no struct or union named '${values.struct}'.`);
  }
  if (values.json) {
    const strip = (s: StructLayout) => ({ ...s, holes: s.holes.map(({ offset, size }) => ({ offset, size })) });
    process.stdout.write(JSON.stringify({ structs: structs.map(strip) }, null, 2) + '\n');
  } else {
    process.stdout.write(structs.map(formatLayout).join('\n\n') + '\n');
  }
  return 0;
}
