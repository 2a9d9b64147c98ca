// SPDX-License-Identifier: GPL-2.0
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char __license[] SEC("license") = "Dual MIT/GPL";

struct datarec {
	__u64 rx_packets;
	__u64 rx_bytes;
};

/* 5 bytes of fields, 8 with the tail padding; zeroed before use */
struct iface_key { // expect: c-map-key-padding info
	__u32 ifindex;
	__u8 dir;
};

/* wire-format headers: packed, 7 bytes each, no padding */
struct pkt_hdr {
	__u8 proto;
	__u32 addr;
	__u16 port;
} __attribute__((packed));

struct pkt_meta {
	__u8 proto;
	__u16 len;
	__u32 mark;
} __attribute__((packed));

/* a header first, then the body, as Tetragon's messages are laid out */
struct msg_common {
	__u8 op;
	__u8 flags;
	__u16 pad;
	__u32 size;
	__u64 ktime;
};

struct msg_drop {
	struct msg_common common;
	__u32 ifindex;
	__u32 reason;
};

/* sent through perf output from the stack, not zeroed: 4 bytes after cpu */
struct sample { // expect: c-map-value-padding warning
	__u32 cpu;
	__u64 ts;
	__u64 value;
};

struct iface_cfg {
	__u32 ifindex;
	__u8 enabled;
	__u8 promisc;
	__u16 mtu;
};

struct port_pair {
	__u16 dport;
	__u16 sport;
	__u32 addr;
};

/* 4 bytes of padding after count; user space reads it through unsafe.Pointer (Go lays it out the same way) */
struct raw_stats { // expect: c-map-value-padding info
	__u32 count;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct raw_stats);
} raw_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct iface_cfg);
} iface_cfgs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct port_pair);
} port_pairs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct datarec);
} pkt_count SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct iface_key);
	__type(value, __u64);
} iface_counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct pkt_hdr);
} pkt_hdrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, struct pkt_meta);
} pkt_metas SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} samples SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} drops SEC(".maps");

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct iface_key ik = {};
	struct ethhdr *eth = data;
	struct datarec *rec;
	struct sample s;
	__u32 key = 0;
	__u64 *cnt, one = 1;

	struct iface_cfg *cfg = bpf_map_lookup_elem(&iface_cfgs, &key);
	if (cfg && !cfg->enabled) {
		struct msg_drop drop = {};

		drop.common.op = 1;
		drop.common.size = sizeof(drop);
		drop.common.ktime = bpf_ktime_get_ns();
		drop.ifindex = ctx->ingress_ifindex;
		bpf_perf_event_output(ctx, &drops, BPF_F_CURRENT_CPU, &drop, sizeof(drop));
		return XDP_PASS;
	}

	rec = bpf_map_lookup_elem(&pkt_count, &key);
	if (!rec)
		return XDP_PASS;
	rec->rx_packets++;
	rec->rx_bytes += data_end - data;

	ik.ifindex = ctx->ingress_ifindex;
	ik.dir = 0;
	cnt = bpf_map_lookup_elem(&iface_counts, &ik);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else
		bpf_map_update_elem(&iface_counts, &ik, &one, BPF_NOEXIST);

	if ((void *)(eth + 1) <= data_end && eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *iph = (void *)(eth + 1);
		struct pkt_hdr hdr;
		struct pkt_meta meta;

		if ((void *)(iph + 1) > data_end)
			return XDP_PASS;
		hdr.proto = iph->protocol;
		hdr.addr = iph->saddr;
		hdr.port = 0;
		bpf_map_update_elem(&pkt_hdrs, &key, &hdr, BPF_ANY);
		meta.proto = iph->protocol;
		meta.len = bpf_ntohs(iph->tot_len);
		meta.mark = 0;
		bpf_map_update_elem(&pkt_metas, &key, &meta, BPF_ANY);

		struct port_pair pp = { .dport = 0, .sport = 0, .addr = iph->daddr };
		bpf_map_update_elem(&port_pairs, &key, &pp, BPF_ANY);
	}

	struct raw_stats *rs = bpf_map_lookup_elem(&raw_stats, &key);
	if (rs) {
		__sync_fetch_and_add(&rs->count, 1);
		__sync_fetch_and_add(&rs->bytes, data_end - data);
	}

	s.cpu = bpf_get_smp_processor_id();
	s.ts = bpf_ktime_get_ns();
	s.value = rec->rx_packets;
	bpf_perf_event_output(ctx, &samples, BPF_F_CURRENT_CPU, &s, sizeof(s));
	return XDP_PASS;
}
