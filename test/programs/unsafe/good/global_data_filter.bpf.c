// libbpf-tools style configuration: const volatile filters in .rodata, a per-CPU counter in .bss.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

const volatile pid_t targ_pid = 0;
const volatile bool ignore_failed = true;

u64 calls = 0;

SEC("tracepoint/syscalls/sys_exit_read")
int count_reads(struct trace_event_raw_sys_exit *ctx)
{
	pid_t pid = bpf_get_current_pid_tgid() >> 32;

	if (targ_pid && pid != targ_pid)
		return 0;
	if (ignore_failed && ctx->ret < 0)
		return 0;
	__sync_fetch_and_add(&calls, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
