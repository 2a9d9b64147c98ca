/**
 * The benchmark's vmlinux.h: this machine's kernel BTF dumped as C by bpftool, brought to `lines` lines. A kernel
 * whose header is shorter gets kernel-style structs appended before the header's closing trailer (say so in the
 * figures); a longer one is cut at a declaration boundary.
 */
import { execFileSync } from 'node:child_process';

export interface VmlinuxHeader {
  text: string;
  lines: number;
  /** Lines of the kernel's own dump, before extending or trimming. */
  kernelLines: number;
  how: 'as dumped' | 'extended' | 'trimmed';
}

const TRAILER = '#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n#endif\n\n#endif /* __VMLINUX_H__ */\n';

/** Kernel-style declarations (members of the kernel's own types, bitfields, unions, pointers) of about `lines` lines. */
function filler(lines: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < lines; i++) {
    out.push(`struct bench_ext_${i} {`, '\tstruct list_head list;', '\tspinlock_t lock;', '\tunsigned int flags: 3;', '\tunsigned int state: 5;',
      '\tu64 stamp;', '\tunion {', '\t\tstruct rcu_head rcu;', '\t\tvoid *priv;', '\t};', `\tstruct bench_ext_${i} *next;`, '};', '');
  }
  return out.slice(0, lines);
}

export function vmlinuxHeader(lines = 150_000): VmlinuxHeader {
  const dump = execFileSync('bpftool', ['btf', 'dump', 'file', '/sys/kernel/btf/vmlinux', 'format', 'c'], { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
  const kernelLines = dump.split('\n').length - 1;
  const end = dump.lastIndexOf('#ifndef BPF_NO_PRESERVE_ACCESS_INDEX');
  if (end < 0) throw new Error('bpftool\'s vmlinux.h has no closing trailer: is this bpftool\'s `format c` output?');
  const body = dump.slice(0, end).split('\n');
  const trailerLines = TRAILER.split('\n').length - 1;
  const want = lines - trailerLines;
  let how: VmlinuxHeader['how'] = 'as dumped';
  if (body.length < want) {
    body.push(...filler(want - body.length));
    how = 'extended';
  } else if (body.length > want) {
    let cut = want; // at a blank line: declarations are separated by one
    while (cut > 0 && body[cut - 1] !== '') cut--;
    body.length = cut;
    how = 'trimmed';
  }
  const text = body.join('\n') + (body[body.length - 1] === '' ? '' : '\n') + TRAILER;
  return { text, lines: text.split('\n').length - 1, kernelLines, how };
}
