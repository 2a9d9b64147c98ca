// A plain bounded loop (kernel 5.3+): a constant trip count, no unrolling needed.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define MAX_HOPS 16

struct hop { __u32 next; __u32 weight; };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_HOPS);
	__type(key, __u32);
	__type(value, struct hop);
} hops SEC(".maps");

SEC("xdp")
int xdp_walk_hops(struct xdp_md *ctx)
{
	__u32 cur = 0, total = 0;

	for (int i = 0; i < MAX_HOPS; i++) {
		struct hop *h = bpf_map_lookup_elem(&hops, &cur);

		if (!h)
			break;
		total += h->weight;
		cur = h->next;
	}
	return total > 1000 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
