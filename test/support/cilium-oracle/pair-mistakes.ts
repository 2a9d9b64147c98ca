import type { Builder } from './pair-generator';
import { blank, camel, cHoles, cLayoutOf, goIntFor, withBlanks, type CField, type CRecord, type GoField, type GoRecord, type PairClass } from './pair-model';

/**
 * Turn a faithful Go mirror into the class's Go side: the realistic mistakes (and the harmless differences) people
 * make when they write a Go type for a C struct by hand. Returns the note that says what changed.
 */
export function makeMistake(klass: PairClass, c: CRecord, go: GoRecord, b: Builder, note: string): string {
  const pickField = (ok: (f: GoField, cf: CField) => boolean) => {
    const candidates = go.fields.filter((f) => f.mirrors && ok(f, c.fields.find((x) => x.name === f.mirrors)!));
    if (candidates.length === 0) throw new Error(`generator: no field for class ${klass} in ${c.name}`);
    const f = b.pick(candidates);
    return { f, cf: c.fields.find((x) => x.name === f.mirrors)! };
  };
  const cScalarOf = (cf: CField) => (cf.type.kind === 'scalar' ? cf.type : null);
  switch (klass) {
    case 'blank-padding': // in the nested mirrors too, as bpf2go writes them
      for (const g of b.goRecords) withBlanks(g, g.mirrors);
      note = 'Go writes each hole as _ [N]byte';
      break;
    case 'named-padding': {
      const roll = b.r();
      if (roll < 0.2) {
        for (const f of go.fields) if (c.fields.find((x) => x.name === f.mirrors)?.padding) f.name = `Pad${f.name.replace(/\D/g, '')}`;
        note += '; Go names them Pad<N>';
      } else if (roll < 0.4) {
        note += "; Go keeps them as named fields, as bpf2go does (C's name in CamelCase)";
      } else {
        go.fields = go.fields.map((f) => (c.fields.find((x) => x.name === f.mirrors)?.padding ? blank(cLayoutOf(c.fields.find((x) => x.name === f.mirrors)!.type).size) : f));
        note += '; Go writes them as _ [N]byte';
      }
      break;
    }
    case 'omitted-padding':
      go.fields = go.fields.filter((f) => !c.fields.find((x) => x.name === f.mirrors)?.padding);
      note = `${note ? `${note}; ` : ''}Go leaves the padding out`;
      break;
    case 'misplaced-padding': {
      const total = cHoles(c).reduce((n, h) => n + h.size, 0);
      go.fields.push(blank(total));
      note = `Go puts all ${total} padding bytes at the end as one _ [${total}]byte`;
      break;
    }
    case 'packed-with-padding': withBlanks(go, c, true); note = 'Go adds the padding the struct would have if it were not packed'; break;
    case 'swapped': {
      const sizeOf = (cf: CField) => (cf.type.kind === 'scalar' ? cf.type.size : -1);
      const shared = (cf: CField) => c.fields.filter((x) => x.type.kind === 'scalar' && sizeOf(x) === sizeOf(cf)).length > 1;
      const { f, cf: first } = pickField((_, cf) => cf.type.kind === 'scalar' && shared(cf));
      const { f: other } = pickField((g, cf) => g !== f && cf.type.kind === 'scalar' && sizeOf(cf) === sizeOf(first));
      const [i, j] = [go.fields.indexOf(f), go.fields.indexOf(other)];
      [go.fields[i], go.fields[j]] = [go.fields[j], go.fields[i]];
      note = `Go swaps ${f.name} and ${other.name}`;
      break;
    }
    case 'int': {
      const { f, cf } = pickField((_, cf) => cf.type.kind === 'scalar' && cf.type.size >= 4);
      f.type = { kind: 'scalar', name: cScalarOf(cf)!.signed ? 'int' : 'uint' };
      note = `Go ${f.name} is ${f.type.name}`;
      break;
    }
    case 'string': {
      const { f, cf } = pickField((_, cf) => cf.type.kind === 'array' && cf.type.of.kind === 'scalar' && cf.type.of.name === 'char');
      f.type = { kind: 'scalar', name: 'string' };
      cf.values = 'text';
      note = `Go ${f.name} is string`;
      break;
    }
    case 'array-length': {
      const { f } = pickField((_, cf) => cf.type.kind === 'array' && cf.type.of.kind === 'scalar');
      const array = f.type.kind === 'defined' ? f.type.of : f.type; // a defined array type is written out: [N]T
      if (array.kind !== 'array') break;
      const len = array.len + (array.len > 2 && b.r() < 0.5 ? -(1 + Math.floor(b.r() * (array.len - 1))) : 1 + Math.floor(b.r() * 4));
      note = `Go ${f.name} has ${len} elements, C ${array.len}`;
      f.type = { ...array, len };
      break;
    }
    case 'width': {
      const { f, cf } = pickField((_, cf) => cf.type.kind === 'scalar');
      const size = cScalarOf(cf)!.size;
      const other = b.pick([1, 2, 4, 8].filter((s) => s !== size));
      f.type = { kind: 'scalar', name: `${cScalarOf(cf)!.signed ? 'int' : 'uint'}${other * 8}` };
      note = `Go ${f.name} is ${f.type.name} for C ${cScalarOf(cf)!.name}`;
      break;
    }
    case 'unexported':
    case 'unexported-put': {
      const { f } = pickField(() => true);
      f.name = f.name[0].toLowerCase() + f.name.slice(1);
      note = `Go ${f.name} is unexported${klass === 'unexported-put' ? '; user space only writes the value (Put), never decodes it' : ''}`;
      break;
    }
    case 'bool': {
      const { f, cf } = pickField((_, cf) => cf.type.kind === 'scalar' && cf.type.size === 1);
      f.type = { kind: 'scalar', name: 'bool' };
      cf.values = 'bool';
      if (b.r() < 0.4) cf.type = { kind: 'scalar', name: '_Bool', size: 1, signed: false }; // C's own bool
      note = `Go ${f.name} is bool for C ${cScalarOf(cf)!.name} (holding 0 or 1)`;
      break;
    }
    case 'signedness': {
      const { f, cf } = pickField((_, cf) => cf.type.kind === 'scalar');
      f.type = { kind: 'scalar', name: goIntFor(cScalarOf(cf)!, true) };
      note = `Go ${f.name} is ${f.type.name} for C ${cScalarOf(cf)!.name}`;
      break;
    }
    case 'byte-array': {
      const { f, cf } = pickField((_, cf) => cf.type.kind === 'array' && cf.type.of.kind === 'scalar' && cf.type.of.size > 1);
      f.type = { kind: 'array', of: { kind: 'scalar', name: 'byte' }, len: cLayoutOf(cf.type).size };
      note = `Go ${f.name} is [${cLayoutOf(cf.type).size}]byte for C ${cf.type.kind === 'array' && cf.type.of.kind === 'scalar' ? cf.type.of.name : ''}[${cf.type.kind === 'array' ? cf.type.len : ''}]`;
      break;
    }
    case 'renamed': { // hand-written mirrors name fields their own way; only the bytes matter to cilium/ebpf
      const names = new Set(c.fields.map((x) => camel(x.name).toLowerCase()));
      const renamed: string[] = [];
      for (const f of go.fields) {
        if (!f.mirrors || (renamed.length > 0 && b.r() < 0.6)) continue;
        const name = ['Value', 'Field', 'Data', 'Item'].map((w) => `${w}${go.fields.indexOf(f)}`).find((n) => !names.has(n.toLowerCase()))!;
        renamed.push(`${f.name} -> ${name}`);
        f.name = name;
      }
      note = `Go renames ${renamed.join(', ')}`;
      break;
    }
    case 'duration':
    case 'time': {
      const { f, cf } = pickField((_, cf) => cf.type.kind === 'scalar' && cf.type.size === 8);
      f.type = { kind: 'scalar', name: klass === 'duration' ? 'time.Duration' : 'time.Time' };
      note = `Go ${f.name} is ${f.type.name} for C ${cScalarOf(cf)!.name}`;
      break;
    }
    case 'embedded': {
      const { f } = pickField((g) => g.type.kind === 'record');
      if (f.type.kind !== 'record') break;
      f.name = f.type.rec.name;
      f.embedded = true;
      note = `Go embeds ${f.type.rec.name} (for C ${f.mirrors})`;
      break;
    }
    case 'union': {
      const { f, cf } = pickField((_, cf) => cf.type.kind === 'record' && cf.type.rec.union === true);
      if (b.r() < 0.4) { // or the whole union as bytes: then no Go type mirrors the union
        if (f.type.kind === 'record') b.goRecords.splice(b.goRecords.indexOf(f.type.rec), 1);
        f.type = { kind: 'array', of: { kind: 'scalar', name: 'byte' }, len: cLayoutOf(cf.type).size };
        note = `Go ${f.name} is [${cLayoutOf(cf.type).size}]byte for union ${cf.type.kind === 'record' ? cf.type.rec.name : ''}`;
      } else {
        note = `Go mirrors union ${cf.type.kind === 'record' ? cf.type.rec.name : ''} with its first member and blank bytes, as bpf2go does`;
      }
      break;
    }
    default: break;
  }
  return note;
}
