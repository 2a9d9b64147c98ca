// Reject (legacy-map): an array map in the legacy format (name before SEC), as old samples/bpf wrote them.
// expect-verifier: legacy map definitions in 'maps' section are not supported by libbpf v1.0\+
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* libbpf < 1.0 declared this in bpf_helpers.h; code written for it still carries its own copy */
struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

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
