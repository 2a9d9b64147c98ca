// A syscall tracepoint with a hand-written context struct (the format file's layout), as older tools do.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct sys_enter_kill_args {
	unsigned long long unused;
	long syscall_nr;
	long pid;
	long sig;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} signals SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_kill")
int trace_kill(struct sys_enter_kill_args *ctx)
{
	__u32 sig = ctx->sig;
	__u64 one = 1, *n;

	n = bpf_map_lookup_elem(&signals, &sig);
	if (n)
		(*n)++;
	else
		bpf_map_update_elem(&signals, &sig, &one, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
