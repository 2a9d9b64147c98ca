/**
 * What a program's type means for the advice we give: the value an early return should use to let the packet or
 * event through, the context struct, and the return values the verifier allows at exit. Taken from libbpf's section
 * names (SEC("xdp"), SEC("tc/ingress"), SEC("cgroup_skb/egress"), ...), since that is all a report always carries.
 */

export type ProgramKind = 'xdp' | 'tc' | 'cgroup_skb' | 'socket_filter' | 'sk_skb' | 'cgroup' | 'lsm' | 'tracing' | 'unknown';

export interface ProgramTypeAdvice {
  kind: ProgramKind;
  /** The expression an early return uses to let the packet or event go on unharmed. */
  pass: string;
  /** Said after `return <pass>;` when the choice needs a word (a socket filter's 0 drops the packet). */
  passNote: string;
  /** The context struct of the section, for ctx-access advice. */
  ctx: string;
  /** How the context is usually named in the program: `skb->data_end` reads better than `ctx->data_end` for TC. */
  ctxVar: string;
  /** The return values the verifier accepts at exit, in words. */
  returns: string;
}

const ADVICE: Record<ProgramKind, Omit<ProgramTypeAdvice, 'kind'>> = {
  xdp: { pass: 'XDP_PASS', passNote: '', ctx: 'struct xdp_md', ctxVar: 'ctx', returns: 'an XDP action: XDP_PASS, XDP_DROP, XDP_TX, XDP_REDIRECT or XDP_ABORTED' },
  tc: { pass: 'TC_ACT_OK', passNote: '', ctx: 'struct __sk_buff', ctxVar: 'skb', returns: 'a TC action: TC_ACT_OK, TC_ACT_SHOT, TC_ACT_REDIRECT, ... (tcx: TCX_PASS, TCX_DROP, TCX_NEXT)' },
  cgroup_skb: { pass: '1', passNote: ' (1 lets the packet through, 0 drops it)', ctx: 'struct __sk_buff', ctxVar: 'skb', returns: '0 (drop) or 1 (allow)' },
  socket_filter: { pass: 'skb->len', passNote: ' (the bytes to keep: the packet length keeps it whole, 0 drops it)', ctx: 'struct __sk_buff', ctxVar: 'skb', returns: 'the number of bytes to keep (0 drops the packet)' },
  sk_skb: { pass: 'SK_PASS', passNote: '', ctx: 'struct __sk_buff', ctxVar: 'skb', returns: 'SK_PASS or SK_DROP' },
  cgroup: { pass: '1', passNote: ' (1 allows the operation, 0 refuses it)', ctx: 'the section\'s context struct (struct bpf_sock_addr, struct bpf_sock, struct bpf_sockopt, ...)', ctxVar: 'ctx', returns: '0 (refuse) or 1 (allow)' },
  lsm: { pass: '0', passNote: ' (0 allows the operation; a negative errno refuses it)', ctx: 'the hook\'s arguments (BPF_PROG(name, ...))', ctxVar: 'ctx', returns: '0 or a negative errno such as -EPERM' },
  tracing: { pass: '0', passNote: '', ctx: 'the section\'s context (struct pt_regs for kprobes, the tracepoint\'s trace_event_raw_* struct, BPF_PROG arguments for fentry/tp_btf)', ctxVar: 'ctx', returns: '0 (the value is ignored for most tracing programs)' },
  unknown: { pass: '0', passNote: ' (or the program type\'s pass value: XDP_PASS for XDP, TC_ACT_OK for TC, 1 for cgroup_skb)', ctx: 'the section\'s context struct (struct xdp_md, struct __sk_buff, ...)', ctxVar: 'ctx', returns: 'a value its type allows (e.g. XDP_PASS, TC_ACT_OK, SK_PASS, 0 or 1)' },
};

/**
 * The kernel program types libbpf gives a section, for the ones the lints' helper tables cover
 * (core/rules/unsafe/helper-table.ts keys; `trampoline` stands for fentry/fexit/fmod_ret).
 */
export type ProgramType = 'socket_filter' | 'kprobe' | 'sched_cls' | 'sched_act' | 'tracepoint' | 'xdp' | 'perf_event' | 'cgroup_skb'
  | 'sock_ops' | 'sk_skb' | 'cgroup_device' | 'sk_msg' | 'raw_tracepoint' | 'flow_dissector' | 'cgroup_sysctl' | 'tp_btf' | 'sk_lookup'
  | 'trampoline' | 'lsm' | 'iter';

interface SectionRow {
  /** The program type, when libbpf names it by exactly these sections (libbpf.c section_defs); null: none of the tables'. */
  type: ProgramType | null;
  libbpf: RegExp | null;
  /** The advice kind, for the sections `family` matches (default: `libbpf`'s), so `xdp/anything` still reads as XDP. */
  kind: ProgramKind;
  family?: RegExp;
}

/**
 * The one table of section names: each row's exact libbpf forms give the program type (the lints' helper tables); its
 * family gives the advice kind, first match wins (so `cgroup_skb/` before `cgroup/`).
 */
export const SECTION_TYPES: readonly SectionRow[] = [
  { type: 'xdp', libbpf: /^xdp(\.frags)?(\/(devmap|cpumap))?$/, kind: 'xdp', family: /^xdp(?:\.frags)?(?:\/|$)/ },
  { type: 'sched_cls', libbpf: /^(tc|classifier|tcx\/(ingress|egress)|tc\/(ingress|egress)|netkit\/(primary|peer))$/, kind: 'tc', family: /^(?:tc|tcx|classifier)(?:\/|$)/ },
  { type: 'sched_act', libbpf: /^action$/, kind: 'tc', family: /^action(?:\/|$)/ },
  { type: 'cgroup_skb', libbpf: /^cgroup_skb\/(ingress|egress)$|^cgroup\/skb$/, kind: 'cgroup_skb', family: /^cgroup_skb\/|^cgroup\/skb$/ },
  { type: 'socket_filter', libbpf: /^socket$/, kind: 'socket_filter', family: /^socket(?:\/|$)/ },
  { type: 'sk_skb', libbpf: /^sk_skb(\/(stream_parser|stream_verdict|verdict))?$/, kind: 'sk_skb', family: /^sk_skb(?:\/|$)/ },
  { type: 'sk_msg', libbpf: /^sk_msg$/, kind: 'sk_skb' },
  { type: null, libbpf: null, kind: 'sk_skb', family: /^sk_reuseport(?:\/|$)/ },
  { type: 'cgroup_device', libbpf: /^cgroup\/dev$/, kind: 'cgroup' },
  { type: 'cgroup_sysctl', libbpf: /^cgroup\/sysctl$/, kind: 'cgroup' },
  { type: null, libbpf: null, kind: 'cgroup', family: /^cgroup\// },
  { type: 'sock_ops', libbpf: /^sockops$/, kind: 'cgroup' },
  { type: 'sk_lookup', libbpf: /^sk_lookup$/, kind: 'cgroup', family: /^sk_lookup(?:\/|$)/ },
  { type: 'lsm', libbpf: /^lsm(\.s)?\//, kind: 'lsm', family: /^lsm(?:\.s)?\/|^lsm_cgroup\// },
  { type: 'kprobe', libbpf: /^(kprobe|kretprobe|ksyscall|kretsyscall)\/|^(kprobe|kretprobe)$|^(uprobe|uretprobe)(\/|$)|^usdt(\/|$)/, kind: 'tracing' },
  { type: 'tracepoint', libbpf: /^(tracepoint|tp)\//, kind: 'tracing' },
  { type: 'raw_tracepoint', libbpf: /^(raw_tracepoint|raw_tp)\//, kind: 'tracing' },
  { type: 'perf_event', libbpf: /^perf_event$/, kind: 'tracing' },
  { type: 'tp_btf', libbpf: /^tp_btf\//, kind: 'tracing' },
  { type: 'trampoline', libbpf: /^(fentry|fexit|fmod_ret)(\.s)?\//, kind: 'tracing' },
  { type: 'iter', libbpf: /^iter(\.s)?\//, kind: 'tracing' },
  {
    type: null, libbpf: null, kind: 'tracing',
    family: /^(?:kprobe|kretprobe|kprobe\.multi|kretprobe\.multi|uprobe|uretprobe|uprobe\.multi|uretprobe\.multi|usdt|ksyscall|kretsyscall|tracepoint|tp|raw_tracepoint|raw_tp|raw_tracepoint\.w|raw_tp\.w|tp_btf|fentry|fexit|fmod_ret|fentry\.s|fexit\.s|fmod_ret\.s|perf_event|iter|iter\.s|syscall)(?:\/|$)/,
  },
  { type: 'flow_dissector', libbpf: /^flow_dissector$/, kind: 'unknown' },
];

/** The program type libbpf gives `section`, null when none of the helper tables covers it. */
export function programTypeOf(section: string): ProgramType | null {
  return SECTION_TYPES.find((r) => r.libbpf?.test(section))?.type ?? null;
}

/** The advice kind of `section`, from its family (`tc/anything` is TC). */
export function programKind(section: string | null | undefined): ProgramKind {
  if (!section) return 'unknown';
  return SECTION_TYPES.find((r) => (r.family ?? r.libbpf)?.test(section))?.kind ?? 'unknown';
}

export function programTypeAdvice(section: string | null | undefined): ProgramTypeAdvice {
  const kind = programKind(section);
  return { kind, ...ADVICE[kind] };
}

/** Fill `{pass}`, `{passNote}`, `{ctx}`, `{ctxVar}` and `{returns}` in an explanation's text. */
export function fillAdvice(text: string, advice: ProgramTypeAdvice): string {
  return text.replace(/\{(pass|passNote|ctx|ctxVar|returns)\}/g, (_, k: keyof ProgramTypeAdvice) => advice[k]);
}
