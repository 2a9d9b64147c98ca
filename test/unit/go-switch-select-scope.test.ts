import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceAnalyzer } from '../../core/analyze/analyze-source';

/**
 * Names a type switch (`switch v := x.(type)`) and a select's receive (`case v := <-ch:`) declare: each is a new
 * variable in its clause, so a package-level variable of the same name (here a padded Value) must not lend it its type.
 */
const analyzer = new SourceAnalyzer();
const HEADER = 'package main\n\nimport "github.com/cilium/ebpf"\n\n'
  + 'type Value struct {\n\tPid uint32\n\tTs  uint64\n}\n\ntype Flat struct {\n\tPid uint32\n\tTid uint32\n}\n\n';

/** The structs go-implicit-padding flags (it names the struct first: `Value (passed to m.Lookup) is 16 bytes`). */
async function padded(body: string, globals = 'var v Value\n\n'): Promise<string[]> {
  const src = `${HEADER}${globals}${body}`;
  const a = await analyzer.analyze('go', src);
  return a.findings.filter((f) => f.rule === 'go-implicit-padding').map((f) => f.message.split(' (')[0]);
}

describe('Go scopes: type switch and select bindings', () => {
  it('a type switch clause with one type: v has that type (a padding-free one: silent)', async () => {
    assert.deepEqual(await padded('func read(m *ebpf.Map, x any) {\n\tswitch v := x.(type) {\n\tcase Flat:\n\t\t_ = m.Lookup(uint32(0), &v)\n\t}\n}\n'), []);
  });

  it('a clause with one padded type is still flagged, though the package v is padding-free', async () => {
    const flagged = await padded('func read(m *ebpf.Map, x any) {\n\tswitch v := x.(type) {\n\tcase Value:\n\t\t_ = m.Lookup(uint32(0), &v)\n\t}\n}\n', 'var v Flat\n\n');
    assert.deepEqual(flagged, ['Value']);
  });

  it('a clause with two types, and default: v has the switch expression\'s type (an interface: not followed)', async () => {
    const body = 'func read(m *ebpf.Map, x any) {\n\tswitch v := x.(type) {\n\tcase Flat, int:\n\t\t_ = m.Lookup(uint32(0), &v)\n\tdefault:\n\t\t_ = m.Lookup(uint32(0), &v)\n\t}\n}\n';
    assert.deepEqual(await padded(body), []);
  });

  it('after the switch, v is the package variable again', async () => {
    const body = 'func read(m *ebpf.Map, x any) {\n\tswitch v := x.(type) {\n\tcase Flat:\n\t\t_ = v\n\t}\n\t_ = m.Lookup(uint32(0), &v)\n}\n';
    assert.deepEqual(await padded(body), ['Value']);
  });

  it('a select receive `case v := <-ch`: v has the channel\'s element type; `case v, ok :=` too', async () => {
    const body = 'func read(m *ebpf.Map, ch chan Flat, ch2 <-chan Flat) {\n\tselect {\n\tcase v := <-ch:\n\t\t_ = m.Lookup(uint32(0), &v)\n'
      + '\tcase v, ok := <-ch2:\n\t\t_ = ok\n\t\t_ = m.Lookup(uint32(0), &v)\n\t}\n}\n';
    assert.deepEqual(await padded(body), []);
  });

  it('a receive from a channel of a padded type is flagged; `case v = <-ch` (no new variable) is the package v', async () => {
    const body = 'func read(m *ebpf.Map, ch chan Value, done chan Flat) {\n\tselect {\n\tcase w := <-ch:\n\t\t_ = m.Lookup(uint32(0), &w)\n'
      + '\tcase v = <-done:\n\t\t_ = m.Lookup(uint32(0), &v)\n\t}\n}\n';
    assert.deepEqual(await padded(body, 'var v Flat\n\n'), ['Value']);
  });
});

describe('Go channel types', () => {
  it('a channel of a padded struct handed to a map is not the struct crossing (only a receive from it is)', async () => {
    assert.deepEqual(await padded('func put(m *ebpf.Map, ch chan Value) {\n\t_ = m.Put(uint32(0), ch)\n}\n', ''), []);
  });
});
