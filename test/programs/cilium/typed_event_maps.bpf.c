// Test program, written for cilium/ebpf: the ring buffer and the perf event array declare key/value types (as
// bpf2go users often do). cilium/ebpf drops them before creating the maps; libbpf 1.1 passes them to the kernel,
// which refuses the ring buffer (key and value size must be 0) and a perf array whose value is not 4 bytes.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct event {
	__u32 pid;
	__u64 ts;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 16);
	__type(value, struct event);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__type(key, __u32);
	__type(value, struct event);
} perf_events SEC(".maps");

SEC("xdp")
int typed_event_maps(struct xdp_md *ctx)
{
	struct event e = { .pid = 1, .ts = 2 };
	struct event *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);

	if (r) {
		*r = e;
		bpf_ringbuf_submit(r, 0);
	}
	bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
