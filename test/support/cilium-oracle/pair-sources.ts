import type { CRecord, CType, GoRecord, Pair } from './pair-model';
import { goTypeText } from './pair-values';

const C_HEADER = '#include <linux/types.h>\n#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\n';

function cMember(name: string, t: CType): string {
  if (t.kind === 'scalar') return `${t.name} ${name}`;
  if (t.kind === 'record') return `${t.rec.union ? 'union' : 'struct'} ${t.rec.name} ${name}`;
  return `${cMember(name, t.of)}[${t.lenMacro ?? t.len}]`;
}

function cRecordText(rec: CRecord): string {
  const head = rec.packed === 'prefix' ? `struct __attribute__((packed)) ${rec.name} {` : `${rec.union ? 'union' : 'struct'} ${rec.name} {`;
  const tail = rec.packed === 'suffix' ? '} __attribute__((packed));' : rec.packed === 'suffix-dunder' ? '} __attribute__((__packed__));'
    : rec.aligned ? `} __attribute__((aligned(${rec.aligned})));` : '};';
  return [head, ...rec.fields.map((f) => `\t${cMember(f.name, f.type)};`), tail].join('\n');
}

/** The pair's C declarations and the hash map that holds its value, as a libbpf program declares them. */
function cPairBody(p: Pair): string {
  const map = ['struct {', '\t__uint(type, BPF_MAP_TYPE_HASH);', '\t__uint(max_entries, 1);', '\t__type(key, __u32);',
    `\t__type(value, struct ${p.c.name});`, `} values${p.id} SEC(".maps");`].join('\n');
  const macros = p.cRecords.flatMap((r) => r.fields.map((f) => f.type)).flatMap((t) => (t.kind === 'array' && t.lenMacro ? [`#define ${t.lenMacro} ${t.len}`] : []));
  return `${[...(macros.length ? [macros.join('\n')] : []), ...p.cEnums, ...p.cRecords.map(cRecordText)].join('\n\n')}\n\n${map}\n`;
}

/** One pair's C source, as the linter sees it. */
export function cPairSource(p: Pair): string {
  return `${C_HEADER}\n${cPairBody(p)}`;
}

/** Every pair's C declarations in one object, for clang's BTF. */
export function cObjectSource(pairs: Pair[]): string {
  return `${C_HEADER}\n${pairs.map(cPairBody).join('\n')}\nchar LICENSE[] SEC("license") = "GPL";\n`;
}

function goRecordText(g: GoRecord, marker: boolean): string {
  const width = Math.max(...g.fields.map((f) => f.name.length));
  const fields = g.fields.map((f) => (f.embedded ? `\t${goTypeText(f.type)}` : `\t${f.name.padEnd(width)} ${goTypeText(f.type)}`));
  const doc = marker ? `// ${g.name} mirrors struct ${g.mirrors.name} of the BPF program.\n//ebpf:struct ${g.mirrors.name}\n` : '';
  return `${doc}type ${g.name} struct {\n${fields.join('\n')}\n}\n`;
}

/** The pair's Go type declarations (nested mirrors first, the marker on the outer one in marker binding). */
export function goTypesText(p: Pair): string {
  const defined = p.goDefined.map((d) => `type ${d.name} ${goTypeText(d.of)}\n`);
  return [...defined, ...p.goRecords.filter((g) => !g.inline).map((g) => goRecordText(g, p.binding === 'marker' && g === p.go))].join('\n');
}

/** The user-space code that writes the value to the map and reads it back: a Put and a Lookup on an *ebpf.Map (a Put alone for a put-only pair). */
function roundTrip(p: Pair, receiver: string, param: string, pkg = ''): string {
  const t = `${pkg}${p.go.name}`;
  if (p.putOnly) return `func store${p.id}(${param}, v ${t}) error {\n\treturn ${receiver}.Put(uint32(0), v)\n}\n`;
  return `func roundTrip${p.id}(${param}) (${t}, error) {\n\tv := ${t}{}\n\tif err := ${receiver}.Put(uint32(0), v); err != nil {\n`
    + `\t\treturn v, err\n\t}\n\tvar out ${t}\n\terr := ${receiver}.Lookup(uint32(0), &out)\n\treturn out, err\n}\n`;
}

/** Whether the pair's Go types use the standard library's time package. */
const usesTime = (p: Pair) => /\btime\./.test(goTypesText(p));

/** Where the pair's C source sits in its directory: under bpf/ in a module, beside the Go code otherwise. */
export function cLintPath(p: Pair): string {
  return p.binding === 'module' ? `bpf/${p.c.name}.bpf.c` : `${p.c.name}.bpf.c`;
}

/**
 * The Go files the linter sees for a pair, in the binding's style: a marked type or a type named like the C struct,
 * used with a map in the same file; bpf2go's generated file (types, handles) and a main.go that uses it; or a module
 * whose pkg/types mirrors the C of bpf/ by name, used from the main package (the alignchecker style).
 * The first file declares the pair's types.
 */
export function goLintFiles(p: Pair): { name: string; text: string }[] {
  if (p.binding === 'module') {
    const mod = `example.com/oracle${p.id}`;
    const imports = usesTime(p) ? 'import "time"\n\n' : '';
    return [{ name: 'pkg/types/types.go', text: `// Package types mirrors the BPF program's structs.\npackage types\n\n${imports}${goTypesText(p)}` },
      { name: 'main.go', text: `package main\n\nimport (\n\t"github.com/cilium/ebpf"\n\n\t"${mod}/pkg/types"\n)\n\n${roundTrip(p, 'm', 'm *ebpf.Map', 'types.')}` },
      { name: 'go.mod', text: `module ${mod}\n\ngo 1.19\n\nrequire github.com/cilium/ebpf v0.9.1\n` }];
  }
  if (p.binding !== 'bpf2go') {
    const imports = usesTime(p) ? 'import (\n\t"time"\n\n\t"github.com/cilium/ebpf"\n)' : 'import "github.com/cilium/ebpf"';
    return [{ name: 'main.go', text: `package main\n\n${imports}\n\n${goTypesText(p)}\n${roundTrip(p, 'm', 'm *ebpf.Map')}` }];
  }
  const generated = `// Code generated by bpf2go; DO NOT EDIT.\n//go:build 386 || amd64 || arm || arm64 || loong64 || mips64le || mipsle || ppc64le || riscv64\n\n`
    + `package main\n\nimport (\n\t"github.com/cilium/ebpf"\n)\n\n${goTypesText(p)}\n`
    + `// bpfObjects contains all objects after they have been loaded into the kernel.\ntype bpfObjects struct {\n\tbpfMaps\n}\n\n`
    + `// bpfMaps contains all maps after they have been loaded into the kernel.\ntype bpfMaps struct {\n\tValues${p.id} *ebpf.Map \`ebpf:"values${p.id}"\`\n}\n\n`
    + `func (m *bpfMaps) Close() error {\n\treturn m.Values${p.id}.Close()\n}\n`;
  const main = `package main\n\n${roundTrip(p, `objs.Values${p.id}`, 'objs *bpfObjects')}`;
  return [{ name: `${p.c.name}_bpfel.go`, text: generated }, { name: 'main.go', text: main }];
}
