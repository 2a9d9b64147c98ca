// SPDX-License-Identifier: GPL-2.0
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <stdbool.h>
#include "biolatency.h"
#include "maps.bpf.h"

#define MAX_ENTRIES	10240

const volatile bool targ_per_disk = false;
const volatile bool targ_per_flag = false;
const volatile bool targ_ms = false;
const volatile __u32 targ_dev = 0;

/* MAX_SLOTS comes from biolatency.h: 27 > 20, so the partition number is part of the key */
struct part_key { // expect: c-map-key-padding warning
	__u32 dev;
#if MAX_SLOTS > 20
	__u16 partno;
#endif
	__u32 queue;
};

/* request pointer -> issue time; the layout does not depend on the build (the #else branch is not taken) */
struct rq_start {
#ifndef BIOLAT_PER_FLAG
	__u64 legacy_ts;
	__u32 legacy_flags;
#else
	__u64 ts;
	__u32 cmd_flags;
	__u32 dev;
#endif
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, __u64);
	__type(value, struct rq_start);
} start SEC(".maps");

static struct hist initial_hist;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, struct hist_key);
	__type(value, struct hist);
} hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct part_key);
	__type(value, __u64);
} part_counts SEC(".maps");

struct block_rq_ctx {
	__u64 rq;
	__u32 dev;
	__u32 cmd_flags;
	__u16 partno;
	__u16 queue;
};

static __always_inline unsigned int log2l(__u64 v)
{
	unsigned int r = 0;

	for (int i = 0; i < 64 && v > 1; i++) {
		v >>= 1;
		r++;
	}
	return r;
}

SEC("tp_btf/block_rq_issue")
int block_rq_issue(struct block_rq_ctx *ctx)
{
	struct rq_start s = {};

	s.ts = bpf_ktime_get_ns();
	s.cmd_flags = ctx->cmd_flags;
	s.dev = ctx->dev;
	bpf_map_update_elem(&start, &ctx->rq, &s, 0);
	return 0;
}

SEC("tp_btf/block_rq_complete")
int block_rq_complete(struct block_rq_ctx *ctx)
{
	__u64 ts = bpf_ktime_get_ns();
	struct hist_key hkey;
	struct part_key pkey;
	struct rq_start *s;
	struct hist *histp;
	__u64 *cnt, one = 1;
	__s64 delta;
	unsigned int slot;

	s = bpf_map_lookup_elem(&start, &ctx->rq);
	if (!s)
		return 0;
	delta = (__s64)(ts - s->ts);
	if (delta < 0)
		goto cleanup;

	/* every member written, not zeroed first: fine only because the build's hist_key has no padding */
	hkey.cgroup_id = 0;
	hkey.dev = targ_per_disk ? s->dev : 0;
#ifdef BIOLAT_PER_FLAG
	hkey.cmd_flags = targ_per_flag ? s->cmd_flags : 0;
#endif
	histp = bpf_map_lookup_or_try_init(&hists, &hkey, &initial_hist);
	if (!histp)
		goto cleanup;

	delta /= targ_ms ? 1000000U : 1000U;
	slot = log2l(delta);
	if (slot >= MAX_SLOTS)
		slot = MAX_SLOTS - 1;
	__sync_fetch_and_add(&histp->slots[slot], 1);

	/* filled member by member: the 2 bytes after partno are never written */
	pkey.dev = ctx->dev;
	pkey.partno = ctx->partno;
	pkey.queue = ctx->queue;
	cnt = bpf_map_lookup_elem(&part_counts, &pkey);
	if (cnt)
		__sync_fetch_and_add(cnt, 1);
	else
		bpf_map_update_elem(&part_counts, &pkey, &one, BPF_NOEXIST);

cleanup:
	bpf_map_delete_elem(&start, &ctx->rq);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
