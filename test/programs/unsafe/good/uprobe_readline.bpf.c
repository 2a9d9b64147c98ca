// A uprobe (bashreadline style): the string argument is user memory, read with bpf_probe_read_user_str.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct line { u32 pid; char str[80]; };

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} lines SEC(".maps");

SEC("uretprobe")
int BPF_KRETPROBE(printret, const void *ret)
{
	struct line *l;

	if (!ret)
		return 0;
	l = bpf_ringbuf_reserve(&lines, sizeof(*l), 0);
	if (!l)
		return 0;
	l->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_probe_read_user_str(l->str, sizeof(l->str), ret);
	bpf_ringbuf_submit(l, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
