// SPDX-License-Identifier: GPL-2.0
/* tcptop: bytes per socket, per cgroup and per process; keys spelled with multi-word types and packed flow tuples. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <tcptop.h>

#define MAX_ENTRIES	10240

/* 13 bytes packed, rounded up to 16 by aligned(4): 3 bytes of tail padding */
struct flow_tuple { // expect: c-map-key-padding warning
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u8 proto;
} __attribute__((packed)) __attribute__((aligned(4)));

/* 8 bytes packed, and aligned(4) adds nothing: no padding */
struct port_rule {
	__u16 port;
	__u32 ifindex;
	__u16 flags;
} __attribute__((__packed__, __aligned__(4)));

/* the aligned member keeps its alignment inside the packed struct: 7 bytes of padding after kind */
struct stamp_key { // expect: c-map-key-padding warning
	__u8 kind;
	__u64 ts __attribute__((aligned(8)));
} __attribute__((packed));

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, struct sock_key);
	__type(value, struct traffic_val);
} sock_bytes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, struct traffic_key); // expect: c-map-key-padding warning
	__type(value, struct traffic_val);
} cgroup_bytes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, struct proc_key); // expect: c-map-key-padding info
	__type(value, __u64);
} proc_bytes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, struct flow_tuple);
	__type(value, __u64);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct port_rule);
	__type(value, __u32);
} port_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct stamp_key);
	__type(value, __u64);
} stamps SEC(".maps");

struct sendmsg_ctx {
	__u64 cookie;
	__u64 cgroup;
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
	__u16 family;
	__u16 prio;
	__u32 ifindex;
	__s8 nice;
	__u8 proto;
	__u16 size;
	__s64 start;
};

static __always_inline void add_bytes(void *map, const void *key, __u64 size)
{
	struct traffic_val zero = {};
	struct traffic_val *val;

	val = bpf_map_lookup_elem(map, key);
	if (!val) {
		bpf_map_update_elem(map, key, &zero, BPF_NOEXIST);
		val = bpf_map_lookup_elem(map, key);
		if (!val)
			return;
	}
	__sync_fetch_and_add(&val->sent, size);
}

SEC("kprobe/tcp_sendmsg")
int tcp_sendmsg(struct sendmsg_ctx *ctx)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	/* no padding in sock_key: the designated initialiser writes all 16 bytes */
	struct sock_key skey = { .cookie = ctx->cookie, .sport = ctx->sport, .dport = ctx->dport, .pid = pid };
	/* six bytes after family that the initialiser does not cover */
	struct traffic_key tkey = { .family = ctx->family, .cgroup = ctx->cgroup };
	struct proc_key pkey;
	struct flow_tuple flow = { .saddr = ctx->saddr, .daddr = ctx->daddr, .sport = ctx->sport, .dport = ctx->dport, .proto = ctx->proto };
	struct port_rule rule = { .port = ctx->dport, .ifindex = ctx->ifindex, .flags = 0 };
	struct stamp_key stamp;
	__u64 *cnt, one = 1;

	add_bytes(&sock_bytes, &skey, ctx->size);
	add_bytes(&cgroup_bytes, &tkey, ctx->size);

	__builtin_memset(&pkey, 0, sizeof(pkey));
	pkey.nice = ctx->nice;
	pkey.prio = ctx->prio;
	pkey.start = ctx->start;
	cnt = bpf_map_lookup_elem(&proc_bytes, &pkey);
	if (cnt)
		__sync_fetch_and_add(cnt, ctx->size);

	cnt = bpf_map_lookup_elem(&flows, &flow);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else
		bpf_map_update_elem(&flows, &flow, &one, BPF_NOEXIST);

	if (bpf_map_lookup_elem(&port_rules, &rule))
		return 0;

	stamp.kind = 1;
	stamp.ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&stamps, &stamp, &one, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
