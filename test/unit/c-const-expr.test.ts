import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evalConstText, parseIntegerLiteral } from '../../core/source/c-const-expr';
import { cModel } from '../support/c-model';

describe('C integer constant expressions', () => {
  it('#define values: literals, operators by C precedence, casts, characters, other constants; null for what is not one', () => {
    const lookup = (n: string) => (n === 'WORDS' ? 4n : null);
    const table: [string, bigint | null][] = [
      ['16', 16n], ['(1 << 4)', 16n], ['WORDS * 2 + 1', 9n], ['2 * (3 + 4)', 14n], ['1 + 2 << 3', 24n], ['(unsigned int)16', 16n],
      ["'a'", 97n], ["'\\n'", 10n], ['0x10UL', 16n], ['010', 8n], ['0b101', 5n], ["1'000", 1000n], ['-1', -1n], ['~0 & 0xff', 255n],
      ['1 ? 2 : 3', 2n], ['WORDS >= 4 && 1', 1n], ['1ULL << 40', 1n << 40n],
      ['f(1)', null], ['sizeof(int)', null], ['"str"', null], ['10 / 0', null], ['UNKNOWN + 1', null], ['1 +', null], ['(1', null], ['1.5', null],
    ];
    for (const [text, want] of table) assert.equal(evalConstText(text, lookup), want, text);
    assert.equal(parseIntegerLiteral('42u'), 42n);
  });

  it('array sizes from #defines with expressions and comments', async () => {
    const m = await cModel('#define SLOTS (1 << 4) /* log2 buckets */\n#define NAME_LEN SLOTS * 2 // bytes\nstruct hist { __u64 slots[SLOTS]; char name[NAME_LEN]; };\n');
    assert.deepEqual([m.constants.get('SLOTS'), m.constants.get('NAME_LEN')], [16, 32]);
    const f = m.records[0].fields.map((x) => (x.type.kind === 'array' ? x.type.length : null));
    assert.deepEqual(f, [16, 32]);
  });
});
