// Sends only the bytes it wrote: the size is masked to 0..15, so the verifier checks 15 bytes of buf (CAP_BPF alone accepts it), not 64.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} rb_sized SEC(".maps");

SEC("socket")
int ringbuf_output_bounded_size(struct __sk_buff *skb)
{
	char buf[64];
	__u32 n = bpf_get_prandom_u32() & 15;

	__builtin_memset(buf, 0, 16);
	bpf_ringbuf_output(&rb_sized, buf, n, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
