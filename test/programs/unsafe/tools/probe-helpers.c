/*
 * Asks the running kernel which helpers each program type may call, and which of those are GPL-only there:
 * loads `call N; r0 = 0; exit` (never attached, closed at once) with a GPL and a non-GPL license and reads the
 * verifier's answer. bpftool's own probe (libbpf 1.1) looks for "unknown func", which kernels since 6.x no longer
 * print ("program of this type cannot use helper"), so it reports every helper as available.
 * Output: one line per program kind: `kind id:flag ...` with flag g (GPL-only) or a (any license).
 * Build: gcc -O1 -o /tmp/probe-helpers probe-helpers.c -lbpf
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

struct kind { const char *name; enum bpf_prog_type type; enum bpf_attach_type attach; const char *btf_target; };

static const struct kind kinds[] = {
	{ "socket_filter", BPF_PROG_TYPE_SOCKET_FILTER, 0, NULL },
	{ "kprobe", BPF_PROG_TYPE_KPROBE, 0, NULL },
	{ "sched_cls", BPF_PROG_TYPE_SCHED_CLS, 0, NULL },
	{ "sched_act", BPF_PROG_TYPE_SCHED_ACT, 0, NULL },
	{ "tracepoint", BPF_PROG_TYPE_TRACEPOINT, 0, NULL },
	{ "xdp", BPF_PROG_TYPE_XDP, 0, NULL },
	{ "perf_event", BPF_PROG_TYPE_PERF_EVENT, 0, NULL },
	{ "cgroup_skb", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, NULL },
	{ "cgroup_sock", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, NULL },
	{ "sock_ops", BPF_PROG_TYPE_SOCK_OPS, 0, NULL },
	{ "sk_skb", BPF_PROG_TYPE_SK_SKB, 0, NULL },
	{ "cgroup_device", BPF_PROG_TYPE_CGROUP_DEVICE, BPF_CGROUP_DEVICE, NULL },
	{ "sk_msg", BPF_PROG_TYPE_SK_MSG, 0, NULL },
	{ "raw_tracepoint", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, NULL },
	{ "cgroup_sock_addr", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, NULL },
	{ "flow_dissector", BPF_PROG_TYPE_FLOW_DISSECTOR, BPF_FLOW_DISSECTOR, NULL },
	{ "cgroup_sysctl", BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, NULL },
	{ "cgroup_sockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_GETSOCKOPT, NULL },
	{ "tp_btf", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, "sched_switch" },
	{ "sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, NULL },
	{ "syscall", BPF_PROG_TYPE_SYSCALL, 0, NULL },
};

static char log_buf[1 << 16];

/* 1: loaded or rejected for another reason (the helper is known to this type), 0: not for this type, 2: GPL-only */
static int probe(const struct kind *k, int helper, const char *license)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_JMP | BPF_CALL, .imm = helper },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_buf = log_buf, .log_size = sizeof(log_buf), .log_level = 1,
		    .expected_attach_type = k->attach);
	if (k->btf_target) {
		int id = libbpf_find_vmlinux_btf_id(k->btf_target, k->attach);
		if (id < 0)
			return -1;
		opts.attach_btf_id = id;
	}
	log_buf[0] = 0;
	int fd = bpf_prog_load(k->type, NULL, license, insns, 3, &opts);
	if (fd >= 0) {
		close(fd);
		return 1;
	}
	if (strstr(log_buf, "cannot use helper") || strstr(log_buf, "unknown func") || strstr(log_buf, "invalid func"))
		return 0;
	if (strstr(log_buf, "GPL-restricted"))
		return 2;
	if (log_buf[0] == 0)
		return -1; /* refused before the verifier ran: unknown */
	return 1;
}

int main(void)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		const struct kind *k = &kinds[i];
		int unknown = 0;
		printf("%s", k->name);
		for (int h = 1; h <= 211; h++) {
			int gpl = probe(k, h, "GPL");
			if (gpl < 0) {
				unknown = 1;
				break;
			}
			if (gpl == 0)
				continue;
			int other = probe(k, h, "Proprietary");
			printf(" %d:%c", h, other == 2 ? 'g' : 'a');
		}
		printf(unknown ? " ?\n" : "\n");
	}
	return 0;
}
