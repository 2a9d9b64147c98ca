// Rejected for a loader without CAP_PERFMON: the size may reach 31 bytes of buf, and only 16 are written.
// expect: uninit-stack-helper "read from stack" capabilities=bpf
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rj_sized_events SEC(".maps");

SEC("socket")
int bounded_size(struct __sk_buff *skb)
{
	char buf[64];
	__u32 n = bpf_get_prandom_u32() & 31;

	__builtin_memset(buf, 0, 16);
	bpf_ringbuf_output(&rj_sized_events, buf, n, 0); /* expect-here */
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
