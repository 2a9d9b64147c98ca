import { NL, ascii, at } from './bytes';
import { GrowableUint32 } from './growable';
import { LineKind, classifyLine } from './line-kind';

const END_MARKER = ascii('-- END PROG LOAD LOG --');
const VERIFICATION_FAILED = ascii('Verification failed');

/**
 * One forward pass over a log held in a Buffer: every line's start offset and kind, and every instruction line
 * with its instruction index, in typed arrays. No object or string is made per line, so a 1 GiB log indexes
 * in about a second and the index costs 5 bytes per line plus 8 per instruction line.
 */
export class LogIndex {
  /** Start offset of each line; lineStart[lineCount] is the end of the log. */
  readonly lineStart: Uint32Array;
  readonly kinds: Uint8Array;
  readonly lineCount: number;
  /** Line numbers of instruction lines, in log order, and the instruction index each names. */
  readonly insnLines: Uint32Array;
  readonly insnIndex: Uint32Array;
  /** The verifier's part of the log: the last libbpf `BEGIN PROG LOAD LOG` block, or everything. [first, end) */
  readonly first: number;
  readonly end: number;
  /** Number of libbpf-wrapped program logs in the input (pasted `bpftool -d` output can hold several). */
  readonly wrappedBlocks: number;
  /** The program named by the last `prog 'x': -- BEGIN PROG LOAD LOG --` line, if any. */
  readonly wrappedProgram: string | null;
  /** A line whose text ends before its newline (the libbpf END marker glued to the last log line). */
  private readonly cut = new Map<number, number>();

  constructor(readonly buf: Buffer) {
    // typed arrays filled in place (grown by doubling): this loop is the whole cost of indexing
    let starts = new Uint32Array(Math.ceil(buf.length / 40) + 16);
    let kinds = new Uint8Array(starts.length);
    const insnLines = new GrowableUint32(Math.ceil(buf.length / 400) + 16);
    const insnIndex = new GrowableUint32(Math.ceil(buf.length / 400) + 16);
    let pos = 0;
    const len = buf.length;
    let line = 0;
    while (pos < len) {
      let nl = buf.indexOf(NL, pos);
      if (nl < 0) nl = len;
      if (line + 1 >= starts.length) {
        const s2 = new Uint32Array(starts.length * 2);
        s2.set(starts);
        starts = s2;
        const k2 = new Uint8Array(s2.length);
        k2.set(kinds);
        kinds = k2;
      }
      const c = buf[pos];
      let kind: LineKind;
      if (c === 109 && buf[pos + 4] === 95 && buf[pos + 1] === 97 && buf[pos + 5] === 112) {
        kind = LineKind.Precision; // `mark_precise: …`, most lines of a level-2 log
      } else if (c >= 48 && c <= 57) {
        let v = 0;
        let p = pos;
        for (; p < nl; p++) {
          const d = buf[p];
          if (d < 48 || d > 57) break;
          v = v * 10 + (d - 48);
        }
        if (buf[p] === 58 && buf[p + 1] === 32 && buf[p + 2] === 40 && buf[p + 5] === 41) {
          kind = LineKind.Insn;
          insnLines.push(line);
          insnIndex.push(v);
        } else {
          kind = classifyLine(buf, pos, nl);
          if (kind === LineKind.Insn) { // an instruction libbpf poisoned: `N: <invalid CO-RE relocation>`
            insnLines.push(line);
            insnIndex.push(v);
          }
        }
      } else {
        kind = classifyLine(buf, pos, nl);
      }
      starts[line] = pos;
      kinds[line] = kind;
      line++;
      pos = nl + 1;
    }
    starts[line] = len;
    this.lineStart = starts.subarray(0, line + 1);
    this.kinds = kinds.subarray(0, line);
    this.lineCount = line;

    // unwrap libbpf's markers: keep the last wrapped block (libbpf stops at the first failing program)
    let begin = -1;
    let blocks = 0;
    for (let i = 0; i < line; i++) {
      if (this.kinds[i] === LineKind.LibbpfBegin) {
        begin = i;
        blocks++;
      }
    }
    this.wrappedBlocks = blocks;
    let first = 0;
    let end = line;
    if (begin >= 0) {
      first = begin + 1;
      end = line;
      for (let i = first; i < line; i++) {
        const k = this.kinds[i];
        if (k === LineKind.LibbpfEnd) {
          end = i;
          break;
        }
        if (k === LineKind.Libbpf) { // the END marker was glued to the previous line
          end = i;
          const prev = i - 1;
          const at = buf.indexOf(END_MARKER, this.lineStart[prev]);
          if (prev >= first && at >= 0 && at < this.lineStart[i]) {
            this.cut.set(prev, at);
            this.kinds[prev] = classifyLine(buf, this.lineStart[prev], at);
          }
          break;
        }
      }
    }
    this.first = first;
    this.end = end;
    // the 7.x prose block's body is indented free text: it is prose up to the stats
    for (let i = first; i < end; i++) {
      if (this.kinds[i] !== LineKind.Prose || !at(buf, this.lineStart[i], VERIFICATION_FAILED)) continue;
      for (let j = i + 1; j < end; j++) {
        const k = this.kinds[j];
        if (k === LineKind.Stats || k === LineKind.LibbpfEnd || k === LineKind.LibbpfBegin) break;
        if (k !== LineKind.Empty) this.kinds[j] = LineKind.Prose;
        i = j;
      }
    }
    this.wrappedProgram = begin >= 0 ? /prog '([^']*)'/.exec(this.text(begin))?.[1] ?? null : null;
    // instruction lines outside the verifier's part do not count
    const lo = lowerBound(insnLines.view(), first);
    const hi = lowerBound(insnLines.view(), end);
    this.insnLines = insnLines.view().subarray(lo, hi);
    this.insnIndex = insnIndex.view().subarray(lo, hi);
  }

  lineEnd(i: number): number {
    const cut = this.cut.get(i);
    if (cut !== undefined) return cut;
    let e = this.lineStart[i + 1] - 1;
    if (i + 1 === this.lineCount + 0 && this.lineStart[i + 1] === this.buf.length && this.buf[this.buf.length - 1] !== NL) e = this.buf.length;
    if (e > this.lineStart[i] && this.buf[e - 1] === 13) e--;
    return Math.max(e, this.lineStart[i]);
  }

  text(i: number): string {
    return this.buf.toString('utf8', this.lineStart[i], this.lineEnd(i));
  }

  kind(i: number): LineKind {
    return this.kinds[i] as LineKind;
  }

  /** Position in insnLines of the last instruction line before line `i` (or -1). */
  insnBefore(i: number): number {
    return lowerBound(this.insnLines, i) - 1;
  }
}

/** First position in sorted `a` whose value is >= v. */
export function lowerBound(a: Uint32Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
