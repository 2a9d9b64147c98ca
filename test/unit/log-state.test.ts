import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRegValue, parseState, splitTopLevel } from '../../core/verifier-log/state-parse';

describe('register values, normalised across kernel versions', () => {
  it('6.8+ merged ranges and var_off with its space', () => {
    const v = parseRegValue('scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))');
    assert.equal(v.type, 'scalar');
    assert.deepEqual(v.ranges, { smin: '0', smin32: '0', smax: '255', umax: '255', smax32: '255', umax32: '255' });
    assert.deepEqual(v.varOff, { value: '0', mask: '255' });
  });

  it('5.10 `inv` with long range names becomes the same scalar', () => {
    const v = parseRegValue('inv(id=0,umax_value=255,var_off=(0x0; 0xff),s32_min_value=0,u32_max_value=255)');
    assert.equal(v.type, 'scalar');
    assert.deepEqual(v.ranges, { umax: '255', smin32: '0', umax32: '255' });
    assert.equal(v.id, 0);
  });

  it('constants: bare, precise, negative, hex, and 5.10 invP0', () => {
    assert.deepEqual([parseRegValue('8').constant, parseRegValue('8').precise], ['8', false]);
    assert.deepEqual([parseRegValue('P0').constant, parseRegValue('P0').precise], ['0', true]);
    assert.equal(parseRegValue('-1').constant, '-1');
    assert.equal(parseRegValue('0xffffffffffffffff').constant, '18446744073709551615');
    const inv = parseRegValue('invP0');
    assert.deepEqual([inv.type, inv.constant, inv.precise], ['scalar', '0', true]);
  });

  it('pointers: map value with map name and sizes, packet range, ids', () => {
    const v = parseRegValue('map_value_or_null(id=1,map=counters,ks=4,vs=8)');
    assert.equal(v.type, 'map_value_or_null');
    assert.deepEqual(v.map, { name: 'counters', keySize: 4, valueSize: 8 });
    assert.equal(v.id, 1);
    const pkt = parseRegValue('pkt(off=12,r=14)');
    assert.deepEqual([pkt.type, pkt.off, pkt.range], ['pkt', 12, 14]);
    const old = parseRegValue('map_value(off=0,ks=4,vs=32,imm=0)'); // 6.1 still printed off=0,imm=0
    assert.deepEqual([old.off, old.map?.valueSize, old.fields.imm], [0, 32, '0']);
    const rb = parseRegValue('ringbuf_mem(ref_obj_id=2,sz=4)');
    assert.deepEqual([rb.refObjId, rb.size], [2, 4]);
  });

  it('frame pointers: fp0, fp-8, fp[1]-16, and variable-offset fp(...)', () => {
    assert.deepEqual([parseRegValue('fp0').type, parseRegValue('fp0').off], ['fp', 0]);
    assert.equal(parseRegValue('fp-8').off, -8);
    const other = parseRegValue('fp[1]-16');
    assert.deepEqual([other.off, other.frameNo], [-16, 1]);
    assert.equal(parseRegValue('fp(off=-320,smin=0)').fields.off, '-320');
  });
});

describe('states: registers, stack slots, refs, frames and liveness marks', () => {
  it('a 6.18 suffix with frame prefix', () => {
    const st = parseState(' frame1: R1=map_value_or_null(id=1,map=stats_map,ks=4,vs=16) R10=fp0');
    assert.equal(st.frame, 1);
    assert.deepEqual([...st.regs.keys()], [1, 10]);
  });

  it('6.1 liveness marks are kept apart from the value', () => {
    const st = parseState('R1_w=invP0 R10=fp0 fp-8_w=0000????');
    assert.equal(st.regs.get(1)?.liveness, 'w');
    assert.equal(st.regs.get(1)?.value.constant, '0');
    assert.deepEqual([st.stack.get(-8)?.liveness, st.stack.get(-8)?.slotTypes], ['w', '0000????']);
  });

  it('stack slots: misc bytes before a spill, whole spills, iterators, dynptrs', () => {
    const st = parseState('fp-8=mmmmscalar(id=1) fp-16=map_value(map=m,ks=4,vs=8) fp-24=iter_num(ref_id=1,state=active,depth=0) fp-40=dynptr_ringbuf(ref_id=3)');
    assert.deepEqual([st.stack.get(-8)?.slotTypes, st.stack.get(-8)?.spilled?.type], ['mmmm', 'scalar']);
    assert.equal(st.stack.get(-16)?.spilled?.type, 'map_value');
    assert.equal(st.stack.get(-24)?.spilled?.type, 'iter_num');
    assert.equal(st.stack.get(-24)?.slotTypes, undefined);
    assert.equal(st.stack.get(-40)?.spilled?.type, 'dynptr_ringbuf');
  });

  it('refs and bare flags', () => {
    const st = parseState('R0=ringbuf_mem(ref_obj_id=2,sz=4) refs=2,4 cb');
    assert.deepEqual(st.refs, [2, 4]);
    assert.deepEqual(st.flags, ['cb']);
  });

  it('never splits inside parentheses, and survives junk', () => {
    assert.deepEqual(splitTopLevel('a=(1; 2) b=c(d e)'), ['a=(1; 2)', 'b=c(d e)']);
    assert.doesNotThrow(() => parseState('R1=((( fp-x= =R2 R3=)'));
  });
});
