import type { Finding } from '../finding';
import { fileIndex } from './c-programs';
import type { KernelFacts, UnsafeRule } from './rule';

/**
 * Kernel functions people kprobe whose event a stable hook covers (they get inlined, renamed or split across versions:
 * do_sys_open became do_sys_openat2 with openat2 in 5.6; libbpf-tools' biolatency left blk_account_io_start for the
 * block tracepoints when it was inlined). Each hook fires at the same point as the function it stands for.
 */
const STABLE_ALTERNATIVES: Record<string, string> = {
  do_unlinkat: 'the LSM hook lsm/path_unlink (or lsm/inode_unlink)',
  vfs_unlink: 'the LSM hook lsm/inode_unlink',
  do_sys_open: 'the tracepoint syscalls/sys_enter_openat (or lsm/file_open)',
  do_sys_openat2: 'the tracepoint syscalls/sys_enter_openat2 (or lsm/file_open)',
  tcp_v4_connect: 'the tracepoint sock/inet_sock_set_state (or lsm/socket_connect)',
  tcp_v6_connect: 'the tracepoint sock/inet_sock_set_state (or lsm/socket_connect)',
  tcp_set_state: 'the tracepoint sock/inet_sock_set_state',
  tcp_retransmit_skb: 'the tracepoint tcp/tcp_retransmit_skb',
  wake_up_new_task: 'the tracepoint sched/sched_wakeup_new (tp_btf/sched_wakeup_new)',
  do_exit: 'the tracepoint sched/sched_process_exit',
  finish_task_switch: 'the tracepoint sched/sched_switch (tp_btf/sched_switch)',
  blk_account_io_start: 'the tracepoint block/block_io_start (block/block_rq_issue before 6.5)',
  blk_mq_start_request: 'the tracepoint block/block_rq_issue',
  kfree_skb: 'the tracepoint skb/kfree_skb',
  security_bprm_check: 'the LSM hook lsm/bprm_check_security',
  security_file_open: 'the LSM hook lsm/file_open',
};

interface Target { what: string; exists: boolean | undefined; loadFails: boolean }

function target(section: string, k: KernelFacts): Target | null {
  const m = /^(kprobe|kretprobe|fentry|fexit|fmod_ret|fentry\.s|fexit\.s|lsm|lsm\.s|tp_btf|raw_tp|raw_tracepoint|tracepoint|tp)\/(.+)$/.exec(section);
  if (!m) return null;
  const [, kind, rest] = m;
  if (kind === 'kprobe' || kind === 'kretprobe') {
    const fn = rest.replace(/\+.*$/, '');
    if (!/^\w+$/.test(fn)) return null;
    const known = k.hasFunction(fn) || k.hasSymbol?.(fn);
    return { what: `kernel function ${fn}`, exists: known ? true : k.hasSymbol ? false : undefined, loadFails: false };
  }
  if (kind === 'lsm' || kind === 'lsm.s') return { what: `LSM hook ${rest} (bpf_lsm_${rest})`, exists: k.hasFunction(`bpf_lsm_${rest}`), loadFails: true };
  if (kind === 'tp_btf' || kind === 'raw_tp' || kind === 'raw_tracepoint') {
    return { what: `raw tracepoint ${rest} (btf_trace_${rest})`, exists: k.hasRawTracepoint?.(rest), loadFails: kind === 'tp_btf' };
  }
  if (kind === 'tracepoint' || kind === 'tp') {
    const [group, name] = rest.split('/');
    if (!group || !name) return null;
    return { what: `tracepoint ${group}/${name}`, exists: k.hasTracepoint?.(group, name), loadFails: false };
  }
  return /^\w+$/.test(rest) ? { what: `kernel function ${rest}`, exists: k.hasFunction(rest), loadFails: true } : null;
}

/**
 * Rule 11: SEC("kprobe/X"), fentry/, fexit/, lsm/, tp_btf/, raw_tp/, tracepoint/G/N naming something this kernel
 * lacks (a warning: another kernel may have it), and kprobes of functions that move across versions where a stable
 * hook covers the same event (an info). Needs the running kernel's facts: quiet without them.
 */
export const attachTarget: UnsafeRule = {
  id: 'attach-target',
  description: 'A SEC() attach target the running kernel lacks, or an unstable kprobe target a tracepoint or LSM hook covers.',
  defaultSeverity: 'warning',
  check(ctx) {
    const out: Finding[] = [];
    for (const prog of fileIndex(ctx).programs) {
      const alt = /^(kprobe|kretprobe|fentry|fexit)\/(\w+)$/.exec(prog.section);
      const k = ctx.kernel;
      const t = k ? target(prog.section, k) : null;
      if (k && t && t.exists === false) {
        const syscall = /^(kprobe|kretprobe)\/sys_(\w+)$/.exec(prog.section);
        if (syscall && (k.hasFunction(`__x64_sys_${syscall[2]}`) || k.hasFunction(`__arm64_sys_${syscall[2]}`))) {
          out.push({ rule: 'attach-target', severity: 'info', range: prog.sectionRange,
            message: `This kernel has no sys_${syscall[2]}: syscalls are named with an architecture prefix (__x64_sys_${syscall[2]}). libbpf attaches SEC("${prog.section}") ` +
              `literally and fails; cilium/ebpf's link.Kprobe adds the prefix itself. SEC("ksyscall/${syscall[2]}") (libbpf 1.0+) or the tracepoint syscalls/sys_enter_${syscall[2]} work everywhere.` });
          continue;
        }
        out.push({ rule: 'attach-target', severity: 'warning', range: prog.sectionRange,
          message: (t.loadFails ? `libbpf refuses to load ${prog.name} on this kernel (${k.release}): "failed to find kernel BTF type ID of '${prog.section.split('/').pop()}': -3" (ESRCH), ` +
            `because the ${t.what} does not exist here. ` : `The ${t.what} does not exist in this kernel (${k.release}): the program loads, but attaching it fails (ENOENT). `) +
            'Check the name for the kernels you target (names change across versions), or pick a hook this kernel has.' });
        continue;
      }
      if (alt && STABLE_ALTERNATIVES[alt[2]]) {
        out.push({ rule: 'attach-target', severity: 'info', range: prog.sectionRange,
          message: `${alt[2]}() is a kernel-internal function: it can be inlined, renamed or change its arguments between kernel versions, and the ${alt[1]} then ` +
            `stops attaching or reads the wrong arguments. ${STABLE_ALTERNATIVES[alt[2]]} covers the same event and is stable across versions.` });
      }
    }
    return out;
  },
};
