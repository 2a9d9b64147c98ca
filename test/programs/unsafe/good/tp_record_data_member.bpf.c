// A tracepoint program that reads its record through a struct whose array member is named `data` (raw_syscalls'
// sys_enter record: the syscall number, then its six arguments). Only XDP, skb, sk_msg and sk_reuseport contexts have
// a `data` that is the packet: here ctx->data[0] is a plain context read, which the verifier allows without any
// comparison against data_end.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct sys_enter_record {
	__u64 common;
	long id;
	__u64 data[6];
};

SEC("tp/raw_syscalls/sys_enter")
int on_sys_enter(struct sys_enter_record *ctx)
{
	if (ctx->id == 1 && ctx->data[0] == 2)
		bpf_printk("write to stderr, %lu bytes", ctx->data[2]);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
