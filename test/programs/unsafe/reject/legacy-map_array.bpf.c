// Reject (legacy-map): an array map in the legacy format (name before SEC), as old samples/bpf wrote them.
// expect-verifier: legacy map definitions in 'maps' section are not supported by libbpf v1.0\+
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def stats SEC("maps") = { /* BUG: legacy map definition */
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(int),
	.value_size = sizeof(long),
	.max_entries = 4,
};

SEC("socket")
int sock_stats(struct __sk_buff *skb)
{
	int key = 0;
	long *v = bpf_map_lookup_elem(&stats, &key);

	if (v)
		__sync_fetch_and_add(v, skb->len);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
