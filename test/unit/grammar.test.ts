import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';
import { REPO } from '../support/paths';

const GRAMMAR = path.join(REPO, 'syntaxes', 'bpf-verifier-log.tmLanguage.json');
let grammar: vsctm.IGrammar;

before(async () => {
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (s) => new oniguruma.OnigScanner(s), createOnigString: (s) => new oniguruma.OnigString(s) }),
    loadGrammar: async () => vsctm.parseRawGrammar(readFileSync(GRAMMAR, 'utf8'), GRAMMAR),
  });
  const g = await registry.loadGrammar('source.bpf-verifier-log');
  assert.ok(g);
  grammar = g;
});

/** The scopes of the token covering `needle` in `line`. */
function scopesAt(line: string, needle: string): string[] {
  const { tokens } = grammar.tokenizeLine(line, vsctm.INITIAL);
  const at = line.indexOf(needle);
  assert.ok(at >= 0, `${needle} in ${line}`);
  const tok = tokens.find((t) => t.startIndex <= at && at < t.endIndex);
  assert.ok(tok);
  return tok.scopes;
}

describe('bpf-verifier-log TextMate grammar', () => {
  it('marks the file:line of a source annotation as a link', () => {
    const line = '; *val += 1; @ nullcheck.bpf.c:17';
    assert.ok(scopesAt(line, 'nullcheck.bpf.c').includes('markup.underline.link.file.bpf-verifier-log'));
    assert.ok(scopesAt(line, '17').includes('constant.numeric.line.bpf-verifier-log'));
  });

  it('splits an instruction line into index, opcode, registers and the state suffix', () => {
    const line = '7: (79) r1 = *(u64 *)(r0 +0)          ; R0=map_value(map=counters,ks=4,vs=8) R1=scalar()';
    assert.ok(scopesAt(line, '7:').includes('constant.numeric.insn-index.bpf-verifier-log'));
    assert.ok(scopesAt(line, '(79)').includes('comment.opcode.bpf-verifier-log'));
    assert.ok(scopesAt(line, 'r1 =').includes('variable.other.register.bpf-verifier-log'));
    assert.ok(scopesAt(line, 'R0=').includes('variable.other.register.bpf-verifier-log'));
    assert.ok(scopesAt(line, 'map_value').includes('storage.type.reg-type.bpf-verifier-log'));
  });

  it('highlights reject messages as errors', () => {
    for (const line of ["R0 invalid mem access 'map_value_or_null'", 'invalid access to packet, off=12 size=1, R1(id=0,off=12,r=0)',
      'BPF program is too large. Processed 1000001 insn', 'Unreleased reference id=2 alloc_insn=5']) {
      assert.ok(scopesAt(line, line.slice(0, 3)).includes('invalid.illegal.reject.bpf-verifier-log'), line);
    }
  });

  it('recognises branches, stats and libbpf lines', () => {
    assert.ok(scopesAt('from 7 to 10: R0=0 R10=fp0', 'from').includes('keyword.control.branch.bpf-verifier-log'));
    assert.ok(scopesAt('processed 7 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0', 'processed')
      .includes('comment.line.stats.bpf-verifier-log'));
    assert.ok(scopesAt("libbpf: prog 'p': failed to load: -13", 'libbpf').includes('comment.line.libbpf.bpf-verifier-log'));
  });
});
