import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { GoLayoutEngine, type GoStructLayout } from '../../core/layout/go-layout';
import { extractGoModel } from '../../core/source/go-model-builder';
import { createParser } from '../../core/source/tree-sitter';
import { randomGoStructs } from '../property/random-go-structs';

const COUNT = Number(process.env.GO_LAYOUT_PROPERTY_COUNT ?? 1000);

/** `[a - b]byte` and `[b - a]byte` only both compile when the constants a and b are equal. */
const equal = (expr: string, value: number) => `var _ [${expr} - ${value}]byte\nvar _ [${value} - ${expr}]byte`;

describe('Go layout engine vs the Go toolchain (property test)', () => {
  it(`${COUNT} random structs: unsafe.Sizeof/Alignof/Offsetof on amd64 and arm64, and binary.Size`, { timeout: 300_000 }, async () => {
    const go = spawnSync('go', ['version'], { encoding: 'utf8' });
    assert.equal(go.status, 0, 'the Go toolchain is needed (apt-get install golang-go; scripts/setup.sh installs it)');
    const { types, names, fields } = randomGoStructs(COUNT, 20261125);
    const parser = await createParser('go');
    const tree = parser.parse(`package main\n\n${types}\n`)!;
    const model = extractGoModel(tree);
    tree.delete();
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
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-go-layout-'));
    const prints = names.map((n) => `\tfmt.Println("${n}", binary.Size(${n}{}))`).join('\n');
    writeFileSync(path.join(dir, 'main.go'), `package main\n\nimport (\n\t"encoding/binary"\n\t"fmt"\n\t"unsafe"\n)\n\n${types}\n\n${asserts.join('\n')}\n\nfunc main() {\n${prints}\n}\n`);
    writeFileSync(path.join(dir, 'go.mod'), 'module layoutcheck\n\ngo 1.19\n');
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
    console.log(`go layout property: ${names.length} structs, sizes/aligns/offsets equal on amd64 and arm64, binary.Size equal`);
  });
});
