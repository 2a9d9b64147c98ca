// Attach targets checked in each VM's own kallsyms and tracefs: block/block_io_start came with 6.5 (before it the
// block layer's tracepoint was block/block_rq_issue), so 6.1 lacks it and 7.3 has it; sched/sched_switch and the
// function tcp_v4_connect are on both and must not be named. Nothing is attached.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepoint/block/block_io_start")
int io_start(void *ctx)
{
	return 0;
}

SEC("tracepoint/sched/sched_switch")
int switch_tp(void *ctx)
{
	return 0;
}

SEC("kprobe/tcp_v4_connect")
int connect_probe(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
