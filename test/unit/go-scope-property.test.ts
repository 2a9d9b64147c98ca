import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { extractGoModel } from '../../core/source/go-model-builder';
import { resolveUses } from '../../core/source/go-uses';
import { createParser } from '../../core/source/tree-sitter';
import { randomGoScopes } from '../property/random-go-scopes';

const PROGRAMS = Number(process.env.GO_SCOPE_PROPERTY_COUNT ?? 200);

/** A stand-in for cilium/ebpf with the methods the programs call, so the Go toolchain can type-check them offline. */
const STUB = 'package ebpf\n\ntype Map struct{}\n\nfunc (*Map) Put(k, v interface{}) error { return nil }\n\n'
  + 'func (*Map) Lookup(k, v interface{}) error { return nil }\n\nfunc (*Map) Delete(k interface{}) error { return nil }\n';

describe('Go receivers and arguments typed by scope (property test)', () => {
  it(`${PROGRAMS} random programs shadowing m and k in blocks, ifs, loops and closures: the structs that reach *ebpf.Map, and which are decoded`, { timeout: 300_000 }, async () => {
    const parser = await createParser('go');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-go-scopes-'));
    mkdirSync(path.join(dir, 'stub'));
    writeFileSync(path.join(dir, 'stub', 'go.mod'), 'module github.com/cilium/ebpf\n\ngo 1.19\n');
    writeFileSync(path.join(dir, 'stub', 'map.go'), STUB);
    writeFileSync(path.join(dir, 'go.mod'), 'module scopecheck\n\ngo 1.19\n\nrequire github.com/cilium/ebpf v0.0.0\n\nreplace github.com/cilium/ebpf => ./stub\n');
    let calls = 0;
    const sources: string[] = [];
    for (let p = 0; p < PROGRAMS; p++) {
      const { source, encoded, decoded } = randomGoScopes(6, 7000 + p);
      sources.push(source);
      const tree = parser.parse(source)!;
      const { uses, sites } = resolveUses(extractGoModel(tree));
      tree.delete();
      calls += sites.length;
      const want = [...new Set([...encoded, ...decoded])].sort();
      assert.deepEqual([...uses.keys()].sort(), want, `program ${p}: the structs that reach the kernel\n${source}`);
      assert.deepEqual([...uses].filter(([, u]) => u.decodedBy).map(([n]) => n).sort(), [...decoded].sort(), `program ${p}: the structs decoded\n${source}`);
    }
    // every program is valid Go: its scopes are the ones the generator meant (a shadowing mistake would not compile)
    const go = spawnSync('go', ['version'], { encoding: 'utf8' });
    assert.equal(go.status, 0, 'the Go toolchain is needed (scripts/setup.sh installs golang-go)');
    const env = { ...process.env, GOFLAGS: '-mod=mod', GOPROXY: 'off', GOCACHE: path.join(os.tmpdir(), 'ebpf-go-cache'), GOPATH: path.join(os.tmpdir(), 'ebpf-go-path') };
    for (let p = 0; p < sources.length; p += 50) {
      const batch = sources.slice(p, p + 50);
      batch.forEach((s, i) => {
        const sub = path.join(dir, `p${p + i}`);
        mkdirSync(sub, { recursive: true });
        writeFileSync(path.join(sub, 'main.go'), s);
      });
    }
    const vet = spawnSync('go', ['vet', './...'], { cwd: dir, env, encoding: 'utf8' });
    assert.equal(vet.status, 0, `the generated programs do not type-check:\n${vet.stderr.split('\n').slice(0, 10).join('\n')}`);
    console.log(`go scope property: ${PROGRAMS} programs, ${calls} codec sites on *ebpf.Map, uses and directions as generated; all type-check`);
  });
});
