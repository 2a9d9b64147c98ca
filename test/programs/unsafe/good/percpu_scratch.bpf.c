// A per-CPU array as scratch space for a record too large for the 512-byte stack (libbpf-tools style).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#define PATH_LEN 1024

struct big_event {
	u32 pid;
	u32 len;
	char path[PATH_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct big_event);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int trace_openat(struct trace_event_raw_sys_enter *ctx)
{
	u32 zero = 0;
	struct big_event *e = bpf_map_lookup_elem(&scratch, &zero);
	long n;

	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	n = bpf_probe_read_user_str(e->path, sizeof(e->path), (const char *)ctx->args[1]);
	e->len = n > 0 ? n : 0;
	bpf_ringbuf_output(&events, e, sizeof(*e), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
