import { COLON, LPAREN, RPAREN, SPACE, ascii, at, isDigit, isUpper, readUint } from './bytes';

/** Every kind of line the verifier (kernels 5.10 to 7.x), libbpf and bpftool print. See shared/docs/verifier-log-format.md. */
export const enum LineKind {
  Empty, Insn, State, From, Safe, Source, Func, LiveHeader, LiveRow, CallMarker, FrameState, Validating, GlobalFunc,
  Precision, Propagating, Liveness, Scc, LoopState, Stats, Btf, Libbpf, LibbpfBegin, LibbpfEnd, Symbol, Prose, CfgSource,
  /** 7.x pre-pass analysis: `topo_order[0] = f`, `subprog#0: analyzing …`, `stack use/def …` and their indented listings. */
  Analysis, Other,
}

export const LINE_KIND_NAMES = [
  'empty', 'insn', 'state', 'from', 'safe', 'source', 'func', 'live-header', 'live-row', 'call-marker', 'frame-state',
  'validating', 'global-func', 'precision', 'propagating', 'liveness', 'scc', 'loop-state', 'stats', 'btf', 'libbpf',
  'libbpf-begin', 'libbpf-end', 'symbol', 'prose', 'cfg-source', 'analysis', 'other',
] as const;

/** libbpf's marker before each program's verifier log (`prog 'x': -- BEGIN PROG LOAD LOG --`). */
export const BEGIN_PROG_LOAD_LOG = '-- BEGIN PROG LOAD LOG --';

const L = {
  from: ascii('from '), func: ascii('func#'), frame: ascii('frame '), forcePrecise: ascii('force_precise'), Func: ascii('Func#'),
  live: ascii('Live regs before insn'), caller: ascii('caller:'), callee: ascii('callee:'), curState: ascii('cur state:'),
  returning: ascii('returning from callee:'), toCaller: ascii('to caller at '), oldState: ascii('old state:'),
  markPrecise: ascii('mark_precise'), magic: ascii('magic: '), lastIdx: ascii('last_idx '), libbpf: ascii('libbpf: '),
  regs: ascii('regs='), processed: ascii('processed '), parent: ascii('parent '), verificationTime: ascii('verification time '),
  version: ascii('version: '), stackDepth: ascii('stack depth '), scc: ascii('SCC '), validating: ascii('Validating '),
  verificationFailed: ascii('Verification failed'), reason: ascii('Reason:'), atColon: ascii('At:'), causal: ascii('Causal path:'),
  suggestion: ascii('Suggestion'), endLog: ascii('-- END PROG LOAD LOG --'), beginLog: ascii(BEGIN_PROG_LOAD_LOG),
  safe: ascii(': safe'), frameN: ascii('frame'), sym: ascii('_SYM: '), flags: ascii('flags: '), hdrLen: ascii('hdr_len: '),
  typeOff: ascii('type_off: '), typeLen: ascii('type_len: '), strOff: ascii('str_off: '), strLen: ascii('str_len: '),
  btfTotal: ascii('btf_total_size: '), liveFrame: ascii(') frame'), topoOrder: ascii('topo_order['), subprog: ascii('subprog#'), stackUseDef: ascii('stack use/def '), argHash: ascii('arg#'), sizeUnknown: ascii(' size cannot be determined'), globalFunction: ascii('Global function '),
  onlyScalar: ascii("doesn't return scalar"), subprogStats: ascii('subprog '), liveStack: ascii(') live stack'), fp: ascii('fp'),
};

/** The end of the line without a trailing CR. */
function trimEnd(buf: Uint8Array, start: number, end: number): number {
  return end > start && buf[end - 1] === 13 ? end - 1 : end;
}

/** `N: R1=…`, `N: frame1: …`, `N: fp-8=…`, `N:` — a state line (not an instruction). */
function isStateAfterColon(buf: Uint8Array, p: number, end: number): boolean {
  if (p === end) return true; // bare `N:`
  if (buf[p] !== SPACE) return false;
  const c = buf[p + 1];
  return c === 82 /* R */ || at(buf, p + 1, L.fp) || at(buf, p + 1, L.frameN);
}

function classifyDigit(buf: Uint8Array, start: number, end: number): LineKind {
  const [, p] = readUint(buf, start, end);
  if (buf[p] !== COLON) return LineKind.Other;
  // `7: (79) r1 = …`: the opcode in parentheses; `7: <invalid CO-RE relocation>`: an instruction libbpf poisoned
  if (buf[p + 1] === SPACE && buf[p + 2] === LPAREN && buf[p + 5] === RPAREN) return LineKind.Insn;
  if (buf[p + 1] === SPACE && buf[p + 2] === 60 /* < */ && buf[end - 1] === 62 /* > */) return LineKind.Insn;
  if (end - p === L.safe.length && at(buf, p, L.safe)) return LineKind.Safe;
  if (isStateAfterColon(buf, p + 1, end)) return LineKind.State;
  return LineKind.CfgSource; // check_cfg's `N: <source>` before back-edge/jump errors
}

/** After the instruction number of a live-regs row: `: ` then ten `.`/digit columns. */
function isLiveRowTail(buf: Uint8Array, q: number, end: number): boolean {
  if (buf[q] !== COLON || buf[q + 1] !== SPACE || q + 12 > end) return false;
  for (let i = q + 2; i < q + 12; i++) if (buf[i] !== 46 && !isDigit(buf[i])) return false;
  return true;
}

function classifySpace(buf: Uint8Array, start: number, end: number): LineKind {
  let p = start;
  while (p < end && buf[p] === SPACE) p++;
  if (p === end) return LineKind.Empty;
  if (isDigit(buf[p])) {
    const [, q] = readUint(buf, p, end);
    // an indented instruction listing (7.x analysis passes): `  6: (85) call bpf_map_lookup_elem#1 // r2=fp0-4`
    if (buf[q] === COLON && buf[q + 1] === SPACE && buf[q + 2] === LPAREN && buf[q + 5] === RPAREN) return LineKind.Analysis;
    // live-regs rows: `     7: 0......... (79) …`; 6.17+ put an SCC number first: `  1  11: 01.3..6... (bf) …`
    if (isLiveRowTail(buf, q, end)) return LineKind.LiveRow;
    let r = q;
    while (r < end && (buf[r] === SPACE || buf[r] === 124 /* | */)) r++;
    if (r > q && isDigit(buf[r]) && isLiveRowTail(buf, readUint(buf, r, end)[1], end)) return LineKind.LiveRow;
    return LineKind.Other;
  }
  if (at(buf, p, L.frameN) || buf[p] === 82 /* R */ || at(buf, p, L.fp)) return LineKind.FrameState;
  return LineKind.Other;
}

/** Classify one line from its bytes alone (no string is made). */
export function classifyLine(buf: Uint8Array, start: number, rawEnd: number): LineKind {
  const end = trimEnd(buf, start, rawEnd);
  if (end === start) return LineKind.Empty;
  const c = buf[start];
  if (isDigit(c)) return classifyDigit(buf, start, end);
  // the bulk of a level-2 log: `mark_precise: frame0: …` (checked on 6 bytes before the general switch)
  if (c === 109 && buf[start + 4] === 95 && buf[start + 1] === 97 && buf[start + 5] === 112 && buf[start + 3] === 107) return LineKind.Precision;
  switch (c) {
    case 59 /* ; */: return LineKind.Source;
    case 32 /* space */: return classifySpace(buf, start, end);
    case 9 /* tab */: return LineKind.Btf;
    case 102 /* f */:
      if (at(buf, start, L.from)) return LineKind.From;
      if (at(buf, start, L.func)) return LineKind.Func;
      if (at(buf, start, L.forcePrecise)) return LineKind.Precision;
      // `frame 1: propagating r6` (never `frame pointer is read only`, an error)
      if (at(buf, start, L.frame) && isDigit(buf[start + L.frame.length])) return LineKind.Propagating;
      if (at(buf, start, L.flags)) return LineKind.Btf;
      break;
    case 70 /* F */: if (at(buf, start, L.Func)) return LineKind.GlobalFunc; break;
    case 76 /* L */: if (at(buf, start, L.live)) return LineKind.LiveHeader; break;
    case 99 /* c */:
      if (at(buf, start, L.caller) || at(buf, start, L.callee)) return LineKind.CallMarker;
      if (at(buf, start, L.curState)) return LineKind.LoopState;
      break;
    case 114 /* r */:
      if (at(buf, start, L.returning)) return LineKind.CallMarker;
      if (at(buf, start, L.regs)) return LineKind.Precision;
      break;
    case 116 /* t */:
      if (at(buf, start, L.toCaller)) return LineKind.CallMarker;
      if (at(buf, start, L.topoOrder)) return LineKind.Analysis;
      if (at(buf, start, L.typeOff) || at(buf, start, L.typeLen)) return LineKind.Btf;
      break;
    case 111 /* o */: if (at(buf, start, L.oldState)) return LineKind.LoopState; break;
    case 109 /* m */:
      if (at(buf, start, L.markPrecise)) return LineKind.Precision;
      if (at(buf, start, L.magic)) return LineKind.Btf;
      break;
    case 108 /* l */:
      if (at(buf, start, L.lastIdx)) return LineKind.Precision;
      if (at(buf, start, L.libbpf)) return lineHas(buf, start, end, L.beginLog) ? LineKind.LibbpfBegin : lineHas(buf, start, end, L.endLog) ? LineKind.LibbpfEnd : LineKind.Libbpf;
      break;
    case 112 /* p */:
      if (at(buf, start, L.processed)) return LineKind.Stats;
      if (at(buf, start, L.parent)) return LineKind.Precision;
      if (lineHas(buf, start, end, L.beginLog)) return LineKind.LibbpfBegin; // `prog 'x': -- BEGIN …` without the libbpf prefix
      break;
    case 118 /* v */:
      if (at(buf, start, L.verificationTime)) return LineKind.Stats;
      if (at(buf, start, L.version)) return LineKind.Btf;
      break;
    case 115 /* s */:
      if (at(buf, start, L.stackDepth)) return LineKind.Stats;
      if (at(buf, start, L.subprog) || at(buf, start, L.stackUseDef)) return LineKind.Analysis;
      if (at(buf, start, L.subprogStats)) return LineKind.Stats; // 7.x: `subprog 0 (f) main insns_self 11 insns_total 11 stack 8`
      if (at(buf, start, L.strOff) || at(buf, start, L.strLen)) return LineKind.Btf;
      break;
    case 104 /* h */: if (at(buf, start, L.hdrLen)) return LineKind.Btf; break;
    // btf.c's notice `arg#0 reference type('UNKNOWN ') size cannot be determined: -22`; every other `arg#N …` line
    // (kfunc and global-function argument checks) is an error
    case 97 /* a */: if (at(buf, start, L.argHash) && lineHas(buf, start, end, L.sizeUnknown)) return LineKind.Btf; break;
    // btf.c's notice for a function returning void (every `__naked void` program opens its log with it)
    case 71 /* G */: if (at(buf, start, L.globalFunction) && lineHas(buf, start, end, L.onlyScalar)) return LineKind.Btf; break;
    case 98 /* b */: if (at(buf, start, L.btfTotal)) return LineKind.Btf; break;
    case 83 /* S */:
      if (at(buf, start, L.scc)) return LineKind.Scc;
      if (at(buf, start, L.suggestion)) return LineKind.Prose;
      break;
    case 40 /* ( */:
      if (isDigit(buf[start + 1])) {
        let p = start + 1;
        while (p < end && (isDigit(buf[p]) || buf[p] === 44)) p++;
        if (at(buf, p, L.liveFrame) || at(buf, p, L.liveStack)) return LineKind.Liveness;
      }
      break;
    case 86 /* V */:
      if (at(buf, start, L.validating)) return LineKind.Validating;
      if (at(buf, start, L.verificationFailed)) return LineKind.Prose;
      break;
    case 82 /* R */: if (at(buf, start, L.reason)) return LineKind.Prose; break;
    case 65 /* A */: if (at(buf, start, L.atColon)) return LineKind.Prose; break;
    case 67 /* C */: if (at(buf, start, L.causal)) return LineKind.Prose; break;
    case 45 /* - */: if (at(buf, start, L.endLog)) return LineKind.LibbpfEnd; break;
    case 91 /* [ */: if (isDigit(buf[start + 1])) return LineKind.Btf; break;
  }
  if (isUpper(c)) {
    let p = start;
    while (p < end && (isUpper(buf[p]) || isDigit(buf[p]) || buf[p] === 95)) p++;
    if (p - 4 > start && at(buf, p - 4, L.sym)) return LineKind.Symbol; // `GO_SYM: …`: p stops at ':' after `_SYM`
  }
  return LineKind.Other;
}

/** Does the line contain `lit` anywhere (used only on rare libbpf lines)? */
function lineHas(buf: Uint8Array, start: number, end: number, lit: Uint8Array): boolean {
  for (let p = start; p + lit.length <= end; p++) if (at(buf, p, lit)) return true;
  return false;
}
