// Accepted by the verifier, yet wrong: struct flow_key has padding holes, and a hash map hashes every
// byte of its key, padding included. Garbage in the holes makes equal flows miss each other.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct flow_key {
	__u8 protocol;
	__u32 saddr;
	__u16 sport;
	__u64 ifindex;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct flow_key);
	__type(value, __u64);
} flows SEC(".maps");

SEC("xdp")
int padded_key(struct xdp_md *ctx)
{
	struct flow_key key;
	__u64 one = 1;

	key.protocol = 6;
	key.saddr = ctx->rx_queue_index;
	key.sport = 80;
	key.ifindex = ctx->ingress_ifindex;
	bpf_map_update_elem(&flows, &key, &one, BPF_ANY);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
