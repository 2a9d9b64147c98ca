import type { Node } from 'web-tree-sitter';
import { CallSemantics } from './calls';
import { PACKET_CONTEXTS } from './helpers';
import { field, typeOf, unparen } from './node-cache';
import { type State, TOP, type Value } from './state';
import { pointeeStruct } from './types';

/**
 * Memory accesses, evaluated abstractly: what a member access (`p->f`, `k.f`), a subscript, a dereference and an
 * address-of (`&k.f`) check on the way (a pointer that may be NULL, packet bytes not yet proven, an index that can
 * pass its array's end) and what they yield. Tracked stack bytes whose address escapes are no longer judged.
 */
export abstract class MemoryAccess extends CallSemantics {
  /** Declared type of each local and parameter, as text (`struct ethhdr *`, `__u64`), and array lengths. */
  protected readonly declared = new Map<string, { text: string; length?: number }>();

  /** A tracked value stored where the engine cannot follow it (memory, an unknown call): forget it. */
  protected escape(v: Value, s: State): void {
    if (v.k === 'ptr' || v.k === 'addr') s.forgetValue(v);
  }

  /** A use that needs a non-NULL pointer: report it when the pointer may be NULL on this path. */
  protected needNonNull(v: Value, node: Node, s: State, how: 'deref' | 'arg'): void {
    if (v.k !== 'ptr') return;
    const fact = s.ptrs.get(v.id);
    if (!fact || fact.nul === 'nonnull') return;
    this.cx.emit({ kind: 'null-deref', fn: this.fn, node, fact, how });
    s.setPtr(v.id, { ...fact, nul: 'nonnull' }); // one report per path: the verifier stops at the first
  }

  /** A packet access of `size` bytes at `off` from the packet's start. */
  protected packetAccess(ptr: Value & { k: 'pkt' }, off: number, size: number, node: Node, base: Node, s: State): void {
    if (off + size > s.pktRange) this.cx.emit({ kind: 'packet-access', fn: this.fn, node, off, size, range: s.pktRange, base, baseOff: ptr.off, pointee: ptr.pointee });
    s.pktRange = Math.max(s.pktRange, off + size); // reported once; later accesses are judged as if it were checked
  }

  protected field(n: Node, s: State): Value {
    const arg = field(n, 'argument')!;
    const name = field(n, 'field')?.text ?? '';
    const arrow = n.text.slice(arg.endIndex - n.startIndex).trimStart().startsWith('->');
    if (!arrow) {
      const holder = unparen(arg);
      if (typeOf(holder) === 'identifier' && s.stack.has(holder.text)) {
        const a = this.addressOf(n, s);
        return a.k === 'addr' && this.memberIsArray(s, holder.text, name) ? a : TOP;
      }
      this.eval(arg, s);
      return TOP;
    }
    const base = this.eval(arg, s);
    if (base.k === 'ctx') {
      const packet = PACKET_CONTEXTS.has(base.pointee);
      if (packet && name === 'data') return { k: 'pkt', off: 0 };
      if (packet && name === 'data_end') return { k: 'pktend' };
      return { k: 'unb', origin: { what: `the context field ${name}`, node: n } };
    }
    if (base.k === 'ptr') {
      this.needNonNull(base, n, s, 'deref');
      const f = s.ptrs.get(base.id);
      return f && /map_value|mem/.test(f.origin.regType ?? '') ? { k: 'unb', origin: { what: `a map value (${n.text})`, node: n } } : TOP;
    }
    if (base.k === 'pkt' && base.pointee) {
      const m = this.cx.types.member(base.pointee, name);
      this.packetAccess(base, base.off + (m?.off ?? 0), m?.size ?? 1, n, arg, s);
    }
    return TOP;
  }

  private memberIsArray(s: State, local: string, member: string): boolean {
    const tag = /^(?:struct|union)\s+(\w+)$/.exec(s.stack.get(local)?.typeText ?? '')?.[1];
    return !!tag && (this.cx.types.member(tag, member)?.typeText.includes('[') ?? false);
  }

  protected subscript(n: Node, s: State): Value {
    const arg = unparen(field(n, 'argument')!);
    const base = this.eval(arg, s);
    const idxNode = field(n, 'index')!;
    const idx = this.eval(idxNode, s);
    if (base.k === 'ptr') this.needNonNull(base, n, s, 'deref');
    if (idx.k === 'unb' && this.indexCanExceed(unparen(idxNode), this.arrayOf(arg)?.length)) {
      const arr = this.arrayOf(arg)!;
      this.cx.emit({ kind: 'variable-offset', fn: this.fn, node: n, index: idxNode, origin: idx.origin, length: arr.length, into: arr.into });
    }
    if (base.k === 'pkt' && idx.k === 'int' && idx.lo === idx.hi) {
      const elem = this.elemSize(arg) ?? 1;
      this.packetAccess(base, base.off + idx.lo * elem, elem, n, arg, s);
    }
    return base.k === 'ptr' ? { k: 'unb', origin: { what: `a map value (${n.text})`, node: n } } : TOP;
  }

  /** Only a named index of a known integer type wide enough to pass the array's end (a __u8 cannot pass 256). */
  private indexCanExceed(idx: Node, length: number | undefined): boolean {
    if (length === undefined || typeOf(idx) !== 'identifier') return false;
    const size = this.cx.types.sizeOf(this.declared.get(idx.text)?.text ?? '');
    return size !== undefined && size <= 8 && 2 ** (8 * size) > length;
  }

  /** The length of the array an index goes into, when the engine knows it: a local array, or an array member of a map value. */
  private arrayOf(arg: Node): { length: number; into: 'stack' | 'map value' } | undefined {
    if (typeOf(arg) === 'identifier') {
      const d = this.declared.get(arg.text);
      return d?.length ? { length: d.length, into: 'stack' } : undefined;
    }
    if (typeOf(arg) === 'field_expression') {
      const holder = unparen(field(arg, 'argument')!);
      const tag = typeOf(holder) === 'identifier' ? pointeeStruct(this.declared.get(holder.text)?.text ?? '') : undefined;
      const m = tag ? this.cx.types.memberArray(tag, field(arg, 'field')?.text ?? '') : undefined;
      return m ? { length: m.length, into: 'map value' } : undefined;
    }
    return undefined;
  }

  private elemSize(arg: Node): number | undefined {
    const d = typeOf(arg) === 'identifier' ? this.declared.get(arg.text) : undefined;
    return d && /\*\s*$/.test(d.text) ? this.cx.types.sizeOf(d.text.replace(/\*\s*$/, '')) : undefined;
  }

  protected pointer(n: Node, s: State): Value {
    const arg = unparen(field(n, 'argument')!);
    if (n.text.startsWith('&')) return this.addressOf(arg, s);
    const base = this.eval(arg, s);
    if (base.k === 'ptr') {
      this.needNonNull(base, n, s, 'deref');
      const f = s.ptrs.get(base.id);
      return f && /map_value|mem/.test(f.origin.regType ?? '') ? { k: 'unb', origin: { what: `a map value (${n.text})`, node: n } } : TOP;
    }
    if (base.k === 'pkt') this.packetAccess(base, base.off, this.elemSize(arg) ?? 1, n, arg, s);
    return TOP;
  }

  /** `&local`, `&local.member`: the address of tracked stack bytes; `&p->member`: needs p non-NULL. */
  protected addressOf(arg: Node, s: State): Value {
    if (typeOf(arg) === 'identifier') {
      if (s.stack.has(arg.text)) return { k: 'addr', local: arg.text, off: 0 };
      s.vars.delete(arg.text); // its address escapes: whatever holds it may write it
      return TOP;
    }
    if (typeOf(arg) === 'field_expression') {
      const holder = unparen(field(arg, 'argument')!);
      const isDot = arg.text.slice(holder.endIndex - arg.startIndex).trimStart().startsWith('.');
      if (isDot && typeOf(holder) === 'identifier' && s.stack.has(holder.text)) {
        const tag = /^(?:struct|union)\s+(\w+)$/.exec(s.stack.get(holder.text)!.typeText)?.[1];
        const m = tag ? this.cx.types.member(tag, field(arg, 'field')?.text ?? '') : undefined;
        if (m) return { k: 'addr', local: holder.text, off: m.off, size: m.size };
        s.stack.delete(holder.text);
        return TOP;
      }
      const base = this.eval(holder, s);
      if (!isDot) this.needNonNull(base, arg, s, 'deref');
      return TOP;
    }
    const v = this.eval(arg, s);
    this.escape(v, s);
    if (typeOf(arg) === 'subscript_expression') {
      const a = unparen(field(arg, 'argument')!);
      if (typeOf(a) === 'identifier') s.stack.delete(a.text);
    }
    return TOP;
  }
}
