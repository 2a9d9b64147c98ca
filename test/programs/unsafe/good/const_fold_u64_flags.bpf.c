// A constant 64-bit feature mask decides which branch runs: the bit tested is above bit 31, so folding it with
// 32-bit arithmetic would take the other branch (where the map value is not checked) and report a NULL dereference
// on a path neither clang nor the verifier has.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

SEC("tp/syscalls/sys_enter_write")
int count_writes(void *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&counts, &key);
	__u64 features = 0x30000000000ULL;
	__u64 on = features & 0x10000000000ULL;

	if (on) {
		if (!v)
			return 0;
	}
	__sync_fetch_and_add(v, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
