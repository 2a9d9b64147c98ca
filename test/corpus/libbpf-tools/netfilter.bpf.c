// SPDX-License-Identifier: GPL-2.0
/* netfilter: an XDP filter with LPM trie rules and per-flow counters. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* prefixlen, then the address bytes the trie compares: no padding */
struct lpm_v4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

/* a hole between proto and addr, inside the bytes the trie compares */
struct lpm_proto_key { // expect: c-map-key-padding warning
	__u32 prefixlen;
	__u16 port;
	__u8 proto;
	__u32 addr;
};

typedef struct { // expect: c-map-key-padding info
	__u32 ifindex;
	__u64 cookie;
} if_cookie_key_t;

struct flow_key { // expect: c-map-key-padding warning
	__u8 proto;
	__u32 saddr;
	__u32 daddr;
	__u16 sport;
	__u16 dport;
};

/* ETH_P_IPV6 is a macro of linux/if_ether.h, a system header the file includes: clang takes the 16-byte branch (24
 * bytes in all, 2 of tail padding, zeroed). Laid out only by a tool that reads that header; otherwise undecidable. */
struct l3_key { // expect: layout-unknown info | c-map-key-padding info
	__u32 ifindex;
#ifdef ETH_P_IPV6
	__u8 addr[16];
#else
	__u8 addr[4];
#endif
	__u16 proto;
};

/* sized with key_size, as older libbpf-tools maps are: 2 bytes of padding after proto */
struct vlan_key { // expect: c-map-key-padding warning
	__u16 proto;
	__u32 vlan_id;
};

/* either address family in one key: 19 bytes of fields, 20 with the tail byte */
struct ip_key { // expect: c-map-key-padding info
	union {
		__u32 v4;
		__u8 v6[16];
	};
	__u16 port;
	__u8 proto;
};

struct flow_stats {
	__u64 packets;
	__u64 bytes;
};

/* struct bpf_spin_lock comes from linux/bpf.h, a system header (4 bytes, then 4 of padding): laid out from that
 * header or the built object's BTF, else unknown */
struct rate_state { // expect: layout-unknown info | c-map-value-padding info
	struct bpf_spin_lock lock;
	__u64 tokens;
	__u64 last_ns;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct rate_state);
} rates SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_v4_key);
	__type(value, __u32);
} deny_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_proto_key);
	__type(value, __u32);
} deny_proto SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct l3_key);
	__type(value, __u64);
} l3_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct ip_key);
	__type(value, __u64);
} ip_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__uint(key_size, sizeof(struct vlan_key));
	__uint(value_size, sizeof(__u64));
} vlan_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, if_cookie_key_t);
	__type(value, __u64);
} if_cookies SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
} flow_stats SEC(".maps");

/* the reverse direction is counted under the same key as the forward one */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct flow_key);
	__type(value, struct flow_stats);
} reply_stats SEC(".maps");

static __always_inline void count(void *map, struct flow_key *key, __u64 bytes)
{
	struct flow_stats init = { .packets = 1, .bytes = bytes };
	struct flow_stats *st;

	st = bpf_map_lookup_elem(map, key);
	if (st) {
		st->packets++;
		st->bytes += bytes;
		return;
	}
	bpf_map_update_elem(map, key, &init, BPF_NOEXIST);
}

SEC("xdp")
int xdp_filter(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	struct iphdr *iph;
	struct lpm_v4_key v4 = {};
	struct lpm_proto_key pk;
	if_cookie_key_t ck;
	__u64 len = data_end - data;

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	iph = (void *)(eth + 1);
	if ((void *)(iph + 1) > data_end)
		return XDP_PASS;

	v4.prefixlen = 32;
	__builtin_memcpy(v4.addr, &iph->saddr, sizeof(v4.addr));
	if (bpf_map_lookup_elem(&deny_v4, &v4))
		return XDP_DROP;

	pk.prefixlen = 64;
	pk.port = 0;
	pk.proto = iph->protocol;
	pk.addr = iph->saddr;
	if (bpf_map_lookup_elem(&deny_proto, &pk))
		return XDP_DROP;

	__builtin_memset(&ck, 0, sizeof(ck));
	ck.ifindex = ctx->ingress_ifindex;
	ck.cookie = 0;
	bpf_map_lookup_elem(&if_cookies, &ck);

	__u32 ifindex = ctx->ingress_ifindex;
	struct rate_state *rs = bpf_map_lookup_elem(&rates, &ifindex);
	if (rs) {
		bpf_spin_lock(&rs->lock);
		rs->tokens--;
		bpf_spin_unlock(&rs->lock);
	}

	struct l3_key l3 = {};
	l3.ifindex = ctx->ingress_ifindex;
	l3.proto = eth->h_proto;
	__u64 *l3n = bpf_map_lookup_elem(&l3_counts, &l3);
	if (l3n)
		__sync_fetch_and_add(l3n, 1);

	struct ip_key ik = {};
	ik.v4 = iph->saddr;
	ik.proto = iph->protocol;
	__u64 *in = bpf_map_lookup_elem(&ip_counts, &ik);
	if (in)
		__sync_fetch_and_add(in, 1);

	struct vlan_key vk;
	vk.proto = eth->h_proto;
	vk.vlan_id = 0;
	__u64 *vn = bpf_map_lookup_elem(&vlan_counts, &vk);
	if (vn)
		__sync_fetch_and_add(vn, 1);

	/* designated initialiser: the 3 bytes after proto are not covered */
	struct flow_key key = {
		.proto = iph->protocol,
		.saddr = iph->saddr,
		.daddr = iph->daddr,
	};
	count(&flow_stats, &key, len);

	/* a copy keeps the garbage of the original's padding */
	struct flow_key reply = key;
	reply.saddr = key.daddr;
	reply.daddr = key.saddr;
	count(&reply_stats, &reply, len);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
