// Test program: the hash map's value size is left to user space (value_size 0, no value type). No default can
// stand in for it, so map creation fails: the message names the map, the attribute and the likely cause.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(key_size, 4);
	__uint(value_size, 0);
	__uint(max_entries, 16);
} blobs SEC(".maps");

SEC("xdp")
int unsized_value(struct xdp_md *ctx)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&blobs, &key) ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
