/**
 * What the flow engine knows about helpers and kfuncs: which may return NULL, which acquire a reference and what
 * releases it, which read stack memory through which argument, which write it. A call not listed here is opaque:
 * every tracked value handed to it is forgotten (the engine says nothing about what it cannot see).
 */

/** Helpers and kfuncs whose pointer result may be NULL, with the verifier's register type for the message. */
export const MAY_RETURN_NULL: ReadonlyMap<string, string> = new Map([
  ['bpf_map_lookup_elem', 'map_value_or_null'],
  ['bpf_map_lookup_percpu_elem', 'map_value_or_null'],
  ['bpf_ringbuf_reserve', 'ringbuf_mem_or_null'],
  ['bpf_sk_lookup_tcp', 'sock_or_null'],
  ['bpf_sk_lookup_udp', 'sock_or_null'],
  ['bpf_skc_lookup_tcp', 'sock_common_or_null'],
  ['bpf_sk_fullsock', 'sock_or_null'],
  ['bpf_tcp_sock', 'tcp_sock_or_null'],
  ['bpf_get_listener_sock', 'sock_or_null'],
  ['bpf_skc_to_tcp_sock', 'ptr_or_null_'],
  ['bpf_skc_to_tcp6_sock', 'ptr_or_null_'],
  ['bpf_skc_to_udp6_sock', 'ptr_or_null_'],
  ['bpf_skc_to_unix_sock', 'ptr_or_null_'],
  ['bpf_skc_to_mptcp_sock', 'ptr_or_null_'],
  ['bpf_skc_to_tcp_timewait_sock', 'ptr_or_null_'],
  ['bpf_skc_to_tcp_request_sock', 'ptr_or_null_'],
  ['bpf_sk_storage_get', 'map_value_or_null'],
  ['bpf_task_storage_get', 'map_value_or_null'],
  ['bpf_inode_storage_get', 'map_value_or_null'],
  ['bpf_cgrp_storage_get', 'map_value_or_null'],
  ['bpf_obj_new', 'ptr_or_null_'],
  ['bpf_obj_new_impl', 'ptr_or_null_'],
  ['bpf_task_acquire', 'ptr_or_null_'],
  ['bpf_task_from_pid', 'ptr_or_null_'],
  ['bpf_cgroup_acquire', 'ptr_or_null_'],
  ['bpf_cgroup_from_id', 'ptr_or_null_'],
  ['bpf_kptr_xchg', 'ptr_or_null_'],
  ['bpf_dynptr_data', 'mem_or_null'],
  ['bpf_per_cpu_ptr', 'percpu_ptr_or_null'],
]);

/** Calls that acquire a reference the program must give back on every path, and the calls that give it back. */
export const ACQUIRES: ReadonlyMap<string, readonly string[]> = new Map([
  ['bpf_ringbuf_reserve', ['bpf_ringbuf_submit', 'bpf_ringbuf_discard']],
  ['bpf_sk_lookup_tcp', ['bpf_sk_release']],
  ['bpf_sk_lookup_udp', ['bpf_sk_release']],
  ['bpf_skc_lookup_tcp', ['bpf_sk_release']],
  ['bpf_task_acquire', ['bpf_task_release']],
  ['bpf_task_from_pid', ['bpf_task_release']],
  ['bpf_cgroup_acquire', ['bpf_cgroup_release']],
  ['bpf_cgroup_from_id', ['bpf_cgroup_release']],
  ['bpf_obj_new', ['bpf_obj_drop']],
  ['bpf_obj_new_impl', ['bpf_obj_drop', 'bpf_obj_drop_impl']],
]);

/** Dynptr reservations: the dynptr (a stack object, the call's 4th argument) must be submitted or discarded, even when the reserve failed. */
export const DYNPTR_ACQUIRES: ReadonlyMap<string, { arg: number; release: readonly string[] }> = new Map([
  ['bpf_ringbuf_reserve_dynptr', { arg: 3, release: ['bpf_ringbuf_submit_dynptr', 'bpf_ringbuf_discard_dynptr'] }],
]);

/** Every call that releases a reference, with the argument it releases. */
export const RELEASES: ReadonlySet<string> = new Set([
  'bpf_ringbuf_submit', 'bpf_ringbuf_discard', 'bpf_sk_release', 'bpf_task_release', 'bpf_cgroup_release', 'bpf_obj_drop', 'bpf_obj_drop_impl',
]);

/**
 * Arguments that must not be NULL (the verifier wants the plain pointer type there: passing the `_or_null` register
 * is rejected with "R<n> type=..._or_null expected=..."). Atomic builtins and mem* builtins compile to loads and
 * stores through the pointer.
 */
export const NONNULL_ARGS: ReadonlyMap<string, readonly number[]> = new Map([
  ['bpf_ringbuf_submit', [0]], ['bpf_ringbuf_discard', [0]], ['bpf_sk_release', [0]],
  ['bpf_task_release', [0]], ['bpf_cgroup_release', [0]], ['bpf_obj_drop', [0]],
  ['bpf_map_update_elem', [1, 2]], ['bpf_map_lookup_elem', [1]], ['bpf_map_delete_elem', [1]],
  ['bpf_probe_read_kernel', [0]], ['bpf_probe_read_user', [0]], ['bpf_probe_read_kernel_str', [0]], ['bpf_probe_read_user_str', [0]],
  ['bpf_get_current_comm', [0]], ['bpf_perf_event_output', [3]], ['bpf_ringbuf_output', [1]], ['bpf_spin_lock', [0]], ['bpf_spin_unlock', [0]],
  ['__sync_fetch_and_add', [0]], ['__sync_fetch_and_sub', [0]], ['__sync_fetch_and_or', [0]], ['__sync_fetch_and_and', [0]],
  ['__sync_fetch_and_xor', [0]], ['__sync_add_and_fetch', [0]], ['__sync_sub_and_fetch', [0]], ['__sync_val_compare_and_swap', [0]],
  ['__sync_lock_test_and_set', [0]], ['__atomic_fetch_add', [0]], ['__atomic_add_fetch', [0]], ['__atomic_store_n', [0]], ['__atomic_load_n', [0]],
  ['__builtin_memcpy', [0, 1]], ['__builtin_memset', [0]], ['memcpy', [0, 1]], ['memset', [0]],
]);

/**
 * Helper arguments the verifier reads as initialised memory (ARG_PTR_TO_MEM and map key/value arguments): stack
 * bytes there must all have been written. The second number, when given, is the argument holding the size.
 */
export const READS_STACK: ReadonlyMap<string, readonly (readonly [number, number?])[]> = new Map([
  ['bpf_map_lookup_elem', [[1]]], ['bpf_map_update_elem', [[1], [2]]], ['bpf_map_delete_elem', [[1]]],
  ['bpf_map_push_elem', [[1]]], ['bpf_map_lookup_percpu_elem', [[1]]],
  ['bpf_perf_event_output', [[3, 4]]], ['bpf_ringbuf_output', [[1, 2]]], ['bpf_skb_store_bytes', [[2, 3]]],
  ['bpf_xdp_store_bytes', [[2, 3]]], ['bpf_csum_diff', [[0, 1], [2, 3]]], ['bpf_trace_printk', [[0, 1]]],
  ['bpf_seq_write', [[1, 2]]], ['bpf_snprintf', [[3, 4]]], ['bpf_for_each_map_elem', []],
]);

/** Helpers that write the stack memory given to them (so the bytes count as written after the call). */
export const WRITES_STACK: ReadonlyMap<string, readonly (readonly [number, number?])[]> = new Map([
  ['bpf_probe_read', [[0, 1]]], ['bpf_probe_read_kernel', [[0, 1]]], ['bpf_probe_read_user', [[0, 1]]],
  ['bpf_probe_read_str', [[0, 1]]], ['bpf_probe_read_kernel_str', [[0, 1]]], ['bpf_probe_read_user_str', [[0, 1]]],
  ['bpf_get_current_comm', [[0, 1]]], ['bpf_skb_load_bytes', [[2, 3]]], ['bpf_xdp_load_bytes', [[2, 3]]],
  ['bpf_get_stack', [[1, 2]]], ['bpf_map_pop_elem', [[1]]], ['bpf_map_peek_elem', [[1]]], ['bpf_copy_from_user', [[0, 1]]],
  ['__builtin_memset', [[0, 2]]], ['memset', [[0, 2]]], ['__builtin_memcpy', [[0, 2]]], ['memcpy', [[0, 2]]],
]);

/** Helpers after which every packet pointer is invalid (the packet may have moved): the engine forgets them. */
export const CHANGES_PACKET = /^bpf_(?:xdp_adjust_|skb_(?:pull_data|store_bytes|change_|adjust_room|vlan_)|l[34]_csum_replace|clone_redirect|lwt_|msg_(?:pull|push|pop)_data)/;

/** Helpers whose scalar result has no bound the verifier can use for a loop or an index. */
export const UNBOUNDED_RESULT = /^bpf_(?:get_prandom_u32|ktime_get_\w+|get_current_pid_tgid|get_current_uid_gid|get_smp_processor_id|jiffies64)$/;

/** Context types: pointer arguments the verifier types as the context, never NULL. */
export const CONTEXT_TYPES = new Set([
  'xdp_md', '__sk_buff', 'pt_regs', 'bpf_sock_ops', 'bpf_sock', 'bpf_sock_addr', 'sk_msg_md', 'sk_reuseport_md', 'bpf_sockopt',
  'bpf_sysctl', 'bpf_perf_event_data', 'bpf_raw_tracepoint_args', 'bpf_cgroup_dev_ctx', 'bpf_sk_lookup', 'bpf_iter__task', 'sk_buff', 'xdp_buff',
]);

/**
 * The contexts whose `data` and `data_end` the verifier types as packet pointers (PTR_TO_PACKET, _END): XDP, the
 * skb programs (tc, cgroup_skb, lwt, flow_dissector, sk_skb), sk_msg and sk_reuseport. A member named `data` of any
 * other context (a tracepoint record, a perf_event's) is a plain context read.
 */
export const PACKET_CONTEXTS = new Set(['xdp_md', '__sk_buff', 'sk_msg_md', 'sk_reuseport_md']);
