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

/** Section prefixes to kinds, longest first where one is a prefix of another (`cgroup_skb/` before `cgroup/`). */
const PREFIXES: [RegExp, ProgramKind][] = [
  [/^xdp(?:\.frags)?(?:\/|$)/, 'xdp'],
  [/^(?:tc|tcx|classifier|action)(?:\/|$)/, 'tc'],
  [/^cgroup_skb\/|^cgroup\/skb$/, 'cgroup_skb'],
  [/^socket(?:\/|$)/, 'socket_filter'],
  [/^sk_skb(?:\/|$)|^sk_msg$|^sk_reuseport(?:\/|$)/, 'sk_skb'],
  [/^cgroup\/|^sockops$|^sk_lookup(?:\/|$)/, 'cgroup'],
  [/^lsm(?:\.s)?\/|^lsm_cgroup\//, 'lsm'],
  [/^(?:kprobe|kretprobe|kprobe\.multi|kretprobe\.multi|uprobe|uretprobe|uprobe\.multi|uretprobe\.multi|usdt|ksyscall|kretsyscall|tracepoint|tp|raw_tracepoint|raw_tp|raw_tracepoint\.w|raw_tp\.w|tp_btf|fentry|fexit|fmod_ret|fentry\.s|fexit\.s|fmod_ret\.s|perf_event|iter|iter\.s|syscall)(?:\/|$)/, 'tracing'],
];

export function programKind(section: string | null | undefined): ProgramKind {
  if (!section) return 'unknown';
  for (const [re, kind] of PREFIXES) if (re.test(section)) return kind;
  return 'unknown';
}

export function programTypeAdvice(section: string | null | undefined): ProgramTypeAdvice {
  const kind = programKind(section);
  return { kind, ...ADVICE[kind] };
}

/** Fill `{pass}`, `{passNote}`, `{ctx}`, `{ctxVar}` and `{returns}` in an explanation's text. */
export function fillAdvice(text: string, advice: ProgramTypeAdvice): string {
  return text.replace(/\{(pass|passNote|ctx|ctxVar|returns)\}/g, (_, k: keyof ProgramTypeAdvice) => advice[k]);
}
