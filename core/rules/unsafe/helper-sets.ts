import type { ProgramType } from '../../verifier-log/program-type';
import { HELPER_NAMES, HELPERS_BY_KIND, PROBED_KERNEL } from './helper-table';

/** What one program kind may call: helper name -> GPL-only there. */
export type HelperSet = Map<string, boolean>;

export const HELPER_IDS = new Map<string, number>();
HELPER_NAMES.forEach((name, id) => {
  if (name) HELPER_IDS.set(name, id);
});

export { PROBED_KERNEL };

function parse(entries: string): HelperSet {
  const set: HelperSet = new Map();
  for (const e of entries.split(' ')) {
    const name = HELPER_NAMES[Number(e.slice(0, -1))];
    if (name) set.set(name, e.endsWith('g'));
  }
  return set;
}

/**
 * fentry/fexit/fmod_ret, LSM and iterator programs are BPF_PROG_TYPE_TRACING/LSM like tp_btf, whose set was probed
 * (the others need a trampoline to load). Their func_proto (kernel/trace/bpf_trace.c tracing_prog_func_proto,
 * kernel/bpf/bpf_lsm.c bpf_lsm_func_proto) adds these on top, depending on the attach type or sleepability: never
 * flagged there, whatever the attach type.
 */
const TRAMPOLINE_EXTRAS = ['bpf_get_func_ip', 'bpf_get_func_arg', 'bpf_get_func_ret', 'bpf_get_func_arg_cnt', 'bpf_get_attach_cookie', 'bpf_d_path',
  'bpf_skb_output', 'bpf_xdp_output', 'bpf_sock_from_file', 'bpf_get_socket_cookie', 'bpf_sk_storage_get', 'bpf_sk_storage_delete',
  'bpf_override_return', 'bpf_copy_from_user', 'bpf_copy_from_user_task', 'bpf_seq_printf', 'bpf_seq_write', 'bpf_seq_printf_btf',
  'bpf_inode_storage_get', 'bpf_inode_storage_delete', 'bpf_task_storage_get', 'bpf_task_storage_delete', 'bpf_bprm_opts_set',
  'bpf_ima_inode_hash', 'bpf_ima_file_hash', 'bpf_get_retval', 'bpf_set_retval', 'bpf_setsockopt', 'bpf_getsockopt',
  'bpf_cgrp_storage_get', 'bpf_cgrp_storage_delete', 'bpf_get_current_cgroup_id', 'bpf_get_current_ancestor_cgroup_id', 'bpf_send_signal',
  'bpf_send_signal_thread', 'bpf_find_vma', 'bpf_get_branch_snapshot', 'bpf_sys_bpf', 'bpf_sys_close', 'bpf_kallsyms_lookup_name'];

/** Sleepable kprobe-family programs (uprobe.s, ...) may also copy from user memory. */
const SLEEPABLE_EXTRAS = ['bpf_copy_from_user', 'bpf_copy_from_user_task'];

const sets = new Map<ProgramType, HelperSet>();

/** The helpers a program kind may call, or null when no table covers it. */
export function helpersOf(kind: ProgramType): HelperSet | null {
  let set = sets.get(kind);
  if (set) return set;
  const probed = kind === 'trampoline' || kind === 'lsm' || kind === 'iter' ? 'tp_btf' : kind;
  const entries = HELPERS_BY_KIND[probed];
  if (!entries) return null;
  set = parse(entries);
  // not probed, so their gpl_only is not known either: counted as any-license (gpl-helper says nothing about them)
  if (probed !== kind) for (const extra of TRAMPOLINE_EXTRAS) if (!set.has(extra)) set.set(extra, false);
  if (kind === 'kprobe') for (const extra of SLEEPABLE_EXTRAS) if (!set.has(extra)) set.set(extra, false);
  sets.set(kind, set);
  return set;
}

/**
 * Whether any probed program type offers the helper: one that none does is missing from the probed kernel's
 * configuration (bpf_override_return without CONFIG_BPF_KPROBE_OVERRIDE, the lirc helpers, ...), not refused by type.
 */
export function offeredAnywhere(helper: string): boolean {
  return Object.keys(HELPERS_BY_KIND).some((k) => helpersOf(k as ProgramType)?.has(helper));
}

/** The program kinds (as libbpf section names) that may call a helper, for the message's "use it from ..." advice. */
export function kindsWith(helper: string): string[] {
  const names: Record<string, string> = { xdp: 'xdp', sched_cls: 'tc', socket_filter: 'socket', kprobe: 'kprobe', tracepoint: 'tracepoint',
    raw_tracepoint: 'raw_tp', tp_btf: 'tp_btf/fentry/fexit/lsm', cgroup_skb: 'cgroup_skb', perf_event: 'perf_event' };
  return Object.entries(names).filter(([k]) => helpersOf(k as ProgramType)?.has(helper)).map(([, n]) => n);
}
