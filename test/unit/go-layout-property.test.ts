import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SourceAnalyzer } from '../../core/analyze/analyze-source';
import { GoLayoutEngine, type GoStructLayout } from '../../core/layout/go-layout';
import { extractGoModel } from '../../core/source/go-model-builder';
import type { GoFileModel } from '../../core/source/go-model';
import { createParser } from '../../core/source/tree-sitter';
import { randomGoStructs, STD_IMPORTS } from '../property/random-go-structs';

const COUNT = Number(process.env.GO_LAYOUT_PROPERTY_COUNT ?? 1000);

/** `[a - b]byte` and `[b - a]byte` only both compile when the constants a and b are equal. */
const equal = (expr: string, value: number) => `var _ [${expr} - ${value}]byte\nvar _ [${value} - ${expr}]byte`;

/**
 * Lay out `count` random structs with the engine, then have the Go toolchain check every size, alignment and offset
 * (as constants that only compile when equal) on amd64 and arm64, and print binary.Size of each.
 */
async function checkAgainstToolchain(count: number, seed: number, std: boolean): Promise<number> {
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  assert.equal(go.status, 0, 'the Go toolchain is needed (apt-get install golang-go; scripts/setup.sh installs it)');
  const { types, names, fields } = randomGoStructs(count, seed, std);
  if (std) for (const t of STD_IMPORTS.types) assert.match(types, new RegExp(`\\b${t.replace('.', '\\.')}\\b`), `the draw has no ${t}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-go-layout-'));
  writeFileSync(path.join(dir, 'go.mod'), 'module layoutcheck\n\ngo 1.19\n');
  const imports = ['encoding/binary', 'fmt', 'unsafe', ...(std ? STD_IMPORTS.imports : [])].sort().map((i) => `\t"${i}"`).join('\n');
  const head = `package main\n\nimport (\n${imports}\n)\n\n${types}\n\n${std ? STD_IMPORTS.uses : ''}`;
  let model: GoFileModel;
  if (std) {
    // the standard library's types come from GOROOT, found through the file's module
    writeFileSync(path.join(dir, 'main.go'), head);
    model = (await new SourceAnalyzer().analyze('go', head, { file: path.join(dir, 'main.go') })).goModel!;
  } else {
    const parser = await createParser('go');
    const tree = parser.parse(head)!;
    model = extractGoModel(tree);
    tree.delete();
  }
  const engine = new GoLayoutEngine(model);
  const layouts = new Map<string, GoStructLayout>();
  const asserts: string[] = [];
  for (const name of names) {
    const out = engine.structLayout(model.structs.find((s) => s.name === name)!);
    assert.ok(out.ok, `${name}: ${out.ok ? '' : out.reason}`);
    layouts.set(name, out.value);
    asserts.push(`var v${name} ${name}`, equal(`unsafe.Sizeof(v${name})`, out.value.size), equal(`unsafe.Alignof(v${name})`, out.value.align));
    for (const f of fields.get(name)!) asserts.push(equal(`unsafe.Offsetof(v${name}.${f})`, out.value.fields.find((x) => x.name === f)!.offset));
  }
  const prints = names.map((n) => `\tfmt.Println("${n}", binary.Size(${n}{}))`).join('\n');
  writeFileSync(path.join(dir, 'main.go'), `${head}\n${asserts.join('\n')}\n\nfunc main() {\n${prints}\n}\n`);
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOCACHE: path.join(os.tmpdir(), 'ebpf-go-cache'), GOPATH: path.join(os.tmpdir(), 'ebpf-go-path') };
  for (const arch of ['amd64', 'arm64']) {
    const b = spawnSync('go', ['build', '-o', path.join(dir, `check-${arch}`), '.'], { cwd: dir, env: { ...env, GOARCH: arch }, encoding: 'utf8' });
    assert.equal(b.status, 0, `layout assertions fail to compile for ${arch}:\n${b.stderr.split('\n').slice(0, 8).join('\n')}`);
  }
  const sizes = execFileSync(path.join(dir, 'check-amd64'), { encoding: 'utf8' }).trim().split('\n');
  for (const line of sizes) {
    const [name, size] = line.split(' ');
    const mine = layouts.get(name)!;
    assert.equal(mine.binarySize ?? -1, Number(size), `binary.Size(${name}): ${mine.binarySizeReason ?? ''}`);
  }
  return names.length;
}

describe('Go layout engine vs the Go toolchain (property test)', () => {
  it(`${COUNT} random structs: unsafe.Sizeof/Alignof/Offsetof on amd64 and arm64, and binary.Size`, { timeout: 300_000 }, async () => {
    const n = await checkAgainstToolchain(COUNT, 20261125, false);
    console.log(`go layout property: ${n} structs, sizes/aligns/offsets equal on amd64 and arm64, binary.Size equal`);
  });

  it(`${COUNT} random structs with any, error and standard-library types (time, sync, netip, atomic, bytes, strings) from GOROOT`, { timeout: 300_000 }, async () => {
    const n = await checkAgainstToolchain(COUNT, 20261201, true);
    console.log(`go layout property (std): ${n} structs, sizes/aligns/offsets equal on amd64 and arm64, binary.Size equal`);
  });
});
