// A reserved ring-buffer record is discarded on the early exit and submitted otherwise.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct event { u32 pid; u32 uid; char comm[16]; };

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

SEC("fentry/do_sys_openat2")
int BPF_PROG(on_openat2, int dfd, const char *filename)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (u32)bpf_get_current_uid_gid();
	if (bpf_get_current_comm(e->comm, sizeof(e->comm)) < 0) {
		bpf_ringbuf_discard(e, 0);
		return 0;
	}
	if (e->uid == 0) {
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
		return 0;
	}
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
