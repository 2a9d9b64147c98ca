import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { constants } from 'node:buffer';
import { analyzeLog } from '../../core/verifier-log/parse';
import { stateAt } from '../../core/verifier-log/state-at';
import { matrixBlock } from '../support/kernel-matrix';

describe('a log larger than the longest string V8 can hold', () => {
  it('is indexed and summarised from a Buffer, reject and state included', { timeout: 120_000 }, () => {
    const block = matrixBlock(2, '6.18-cloud.txt', 'nullcheck_hash');
    const head = block.slice(0, block.indexOf('0: R1=ctx()'));
    const body = block.slice(block.indexOf('0: R1=ctx()'), block.indexOf('7: (79)'));
    const tail = block.slice(block.indexOf('7: (79)'));
    const size = constants.MAX_STRING_LENGTH + 64 * 1024 * 1024; // past the string limit (~512 MiB on 64-bit)
    const buf = Buffer.allocUnsafe(size);
    let pos = buf.write(head, 0);
    const bodyBuf = Buffer.from(body);
    while (pos + bodyBuf.length + tail.length < size) pos += bodyBuf.copy(buf, pos);
    pos += buf.write(tail, pos);
    const log = buf.subarray(0, pos);
    assert.ok(log.length > constants.MAX_STRING_LENGTH);
    assert.throws(() => log.toString('latin1'), 'V8 cannot make this log one string');

    const { index, summary } = analyzeLog(log);
    assert.deepEqual(summary.messageLines, ["R0 invalid mem access 'map_value_or_null'"]);
    assert.equal(summary.insn, 7);
    assert.equal(summary.source?.line, 17);
    assert.equal(summary.stats.processedInsns, 7);
    const st = stateAt(index, summary.insnLogLine!);
    assert.equal(st?.state.regs.get(0)?.value.type, 'map_value_or_null');
  });
});
