// Reject (untyped-map-member): a value with a bpf_spin_lock needs the map's BTF to find the lock.
// expect-verifier: has to have BTF in order to use bpf_spin_lock
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct counter {
	struct bpf_spin_lock lock;
	__u64 packets;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__uint(value_size, sizeof(struct counter)); /* BUG: no BTF value type */
} rj_counters SEC(".maps");

SEC("tc")
int tc_locked_count(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct counter *c = bpf_map_lookup_elem(&rj_counters, &key);

	if (!c)
		return 0;
	bpf_spin_lock(&c->lock);
	c->packets++;
	bpf_spin_unlock(&c->lock);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
