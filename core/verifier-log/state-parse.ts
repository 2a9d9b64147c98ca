import { emptyFrame, type FrameState, type RangeKey, type RegValue, type StackSlot } from './state-model';

/** Split on spaces (or `sep`) outside parentheses: `var_off=(0x0; 0xff)` holds a space. */
export function splitTopLevel(text: string, sep = ' '): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === sep && depth === 0) {
      if (i > start) out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out.filter((s) => s.trim() !== '').map((s) => s.trim());
}

/** 5.10's long names to today's short ones. */
const RANGE_ALIASES: Record<string, RangeKey> = {
  smin: 'smin', smax: 'smax', umin: 'umin', umax: 'umax', smin32: 'smin32', smax32: 'smax32', umin32: 'umin32', umax32: 'umax32',
  smin_value: 'smin', smax_value: 'smax', umin_value: 'umin', umax_value: 'umax',
  s32_min_value: 'smin32', s32_max_value: 'smax32', u32_min_value: 'umin32', u32_max_value: 'umax32',
  s32_min: 'smin32', s32_max: 'smax32', u32_min: 'umin32', u32_max: 'umax32',
};

/** A printed number (decimal, negative, or hex) as a decimal string; null when it is not a number. */
export function normalizeNumber(s: string): string | null {
  if (/^-?\d+$/.test(s)) return BigInt(s).toString();
  if (/^-?0x[0-9a-f]+$/i.test(s)) return (s.startsWith('-') ? -BigInt(s.slice(1)) : BigInt(s)).toString();
  return null;
}

const num = (s: string | undefined): number | undefined => {
  if (s === undefined) return undefined;
  const n = normalizeNumber(s);
  return n === null ? undefined : Number(n);
};

function applyFields(v: RegValue, body: string): void {
  for (const item of splitTopLevel(body, ',')) {
    const parts = item.split('=');
    if (parts.length < 2) {
      v.fields[item] = '';
      continue;
    }
    const value = parts[parts.length - 1];
    // `var_off=(0x0; 0xff)` keeps its parentheses; merged forms `smax=umax=255` set every key
    if (parts[0] === 'var_off') {
      const m = /^\((-?0x[0-9a-f]+|-?\d+); ?(-?0x[0-9a-f]+|-?\d+)\)$/i.exec(parts.slice(1).join('='));
      if (m) v.varOff = { value: normalizeNumber(m[1])!, mask: normalizeNumber(m[2])! };
      v.fields.var_off = parts.slice(1).join('=');
      continue;
    }
    for (const key of parts.slice(0, -1)) {
      v.fields[key] = value;
      const range = RANGE_ALIASES[key];
      if (range) v.ranges[range] = normalizeNumber(value) ?? value;
    }
  }
  const f = v.fields;
  v.id = num(f.id);
  v.refObjId = num(f.ref_obj_id ?? f.ref_id);
  if (f.off !== undefined) v.off = num(f.off);
  v.range = num(f.r);
  v.size = num(f.sz);
  if (f.map !== undefined || f.ks !== undefined || f.vs !== undefined) v.map = { name: f.map, keySize: num(f.ks), valueSize: num(f.vs) };
  for (const k of Object.keys(v) as (keyof RegValue)[]) if (v[k] === undefined) delete v[k];
}

/** Parse a register's value: `scalar(...)`, `P0`, `-1`, `0xff`, `ctx()`, `fp-8`, `fp[1]-16`, `inv`, `invP0`, `map_value(...)`. */
export function parseRegValue(raw: string): RegValue {
  const v: RegValue = { type: 'unknown', precise: false, ranges: {}, fields: {}, raw };
  let s = raw;
  // the precision mark: `P0`, `Pscalar(...)`; 5.10 put it after `inv`: `invP0`, `invP(...)`
  if (/^P(?=[-\d]|scalar|inv)/.test(s)) {
    v.precise = true;
    s = s.slice(1);
  }
  const inv = /^inv(P?)(.*)$/.exec(s);
  if (inv) {
    if (inv[1]) v.precise = true;
    s = inv[2] === '' ? 'scalar()' : /^-?\d/.test(inv[2]) ? inv[2] : `scalar${inv[2]}`;
  }
  const constant = normalizeNumber(s);
  if (constant !== null) {
    v.type = 'scalar';
    v.constant = constant;
    return v;
  }
  const fp = /^fp(?:\[(\d+)\])?(-?\d+)$/.exec(s);
  if (fp) {
    v.type = 'fp';
    v.off = Number(fp[2]);
    if (fp[1] !== undefined) v.frameNo = Number(fp[1]);
    return v;
  }
  const open = s.indexOf('(');
  if (open > 0 && s.endsWith(')')) {
    v.type = s.slice(0, open);
    applyFields(v, s.slice(open + 1, -1));
  } else {
    v.type = s;
  }
  return v;
}

const SLOT_CHARS = /^[?rm0di]*/;
/** Type names a spilled value can start with, so `dynptr_…` and `iter_…` are not read as slot characters. */
const VALUE_START = /^(?:P?-?\d|P?-?0x|Pscalar|scalar|inv|ctx|map_|pkt|fp|mem|ringbuf|ptr_|trusted_|rcu_|rdonly_|untrusted_|percpu_|user_|alloc_|dynptr|iter|sock|tcp_sock|xdp_sock|flow_keys|func|btf_|buf|arena|const_|irq_flag|res_spin)/;

/** `fp-8=mmmm????`, `fp-8=mmmmscalar(id=1)`, `fp-16=iter_num(ref_id=1,state=active,depth=0)`, `fp-8=map_value`. */
export function parseStackValue(offset: number, liveness: string | undefined, raw: string): StackSlot {
  const slot: StackSlot = { offset, raw, ...(liveness ? { liveness } : {}) };
  const prefix = SLOT_CHARS.exec(raw)![0];
  if (prefix.length === raw.length) {
    slot.slotTypes = raw;
    return slot;
  }
  // try the longest run of slot characters that leaves a recognisable value
  for (let n = Math.min(prefix.length, 8); n >= 0; n--) {
    const rest = raw.slice(n);
    if (VALUE_START.test(rest)) {
      if (n > 0) slot.slotTypes = raw.slice(0, n);
      slot.spilled = parseRegValue(rest);
      return slot;
    }
  }
  if (/^\w+(?:\(|$)/.test(raw) && prefix.length < 8) slot.spilled = parseRegValue(raw); // a type name we do not know yet
  else slot.slotTypes = raw;
  return slot;
}

const KEY_RE = /^(?:R(\d+)|fp(-?\d+))(?:_([rwD]+))?$/;

/**
 * Parse the state part of a line: ` frame1: R1=ctx() R10=fp0 fp-8=mmmm???? refs=2,3 cb`.
 * Unknown items are kept in `flags`; nothing here throws on odd input.
 */
export function parseState(text: string, defaultFrame = 0): FrameState {
  let rest = text.trim();
  let frame = defaultFrame;
  const fm = /^frame(\d+):\s*/.exec(rest);
  if (fm) {
    frame = Number(fm[1]);
    rest = rest.slice(fm[0].length);
  }
  const st = emptyFrame(frame);
  for (const item of splitTopLevel(rest)) {
    const eq = item.indexOf('=');
    if (eq < 0) {
      st.flags.push(item);
      continue;
    }
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    if (key === 'refs') {
      st.refs = value.split(',').map(Number).filter((n) => Number.isFinite(n));
      continue;
    }
    const k = KEY_RE.exec(key);
    if (!k) {
      st.flags.push(item);
      continue;
    }
    if (k[1] !== undefined) {
      st.regs.set(Number(k[1]), { reg: Number(k[1]), value: parseRegValue(value), ...(k[3] ? { liveness: k[3] } : {}) });
    } else {
      const off = Number(k[2]);
      st.stack.set(off, parseStackValue(off, k[3], value));
    }
  }
  return st;
}
