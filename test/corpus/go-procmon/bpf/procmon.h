/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Structs shared with user space: bpf2go generates bpf_bpfel.go from them, pkg/process mirrors some by hand. */
#ifndef __PROCMON_H
#define __PROCMON_H

#define TASK_COMM_LEN 16

enum event_kind {
	EVENT_EXEC = 1,
	EVENT_EXIT = 2,
};

/* All fields aligned so no 'packed' attribute. */
struct msg_execve_key {
	__u32 pid; /* Process TGID */
	__u8 pad[4];
	__u64 ktime;
};

struct msg_capabilities {
	__u64 permitted;
	__u64 effective;
	__u64 inheritable;
};

/* 4 bytes of padding after pid, 7 after kind */
struct event {
	__u32 pid;
	__u64 ts;
	char comm[TASK_COMM_LEN];
	__u8 kind;
};

struct exec_stats {
	__u64 count;
	__u64 bytes;
	__u32 last_uid;
	__u32 flags;
};

struct proc_info {
	__u32 pid;
	__u32 ppid;
	char comm[TASK_COMM_LEN];
};

struct policy_key {
	__u32 cgroup;
	__u16 port;
	__u8 proto;
	__u8 pad;
};

struct policy_val {
	__u8 action;
	__u8 reserved[3];
	__u32 ifindex;
};

struct limit_value {
	__u32 rate;
	__u32 burst;
};

struct cpu_stat {
	__u64 runs;
	__u64 nsecs;
};

struct target_config {
	__u32 pid;
	__u32 flags;
};

struct rate_limit {
	__s64 window_ns;
	__u32 burst;
	__u32 tokens;
};

struct peer {
	__u8 addr[16];
	__u16 port;
	__u8 pad[2];
};

struct exit_event {
	__u32 pid;
	__u32 code;
	__u64 duration_ns;
};

struct exec_record {
	struct msg_execve_key key;
	struct exec_stats stats;
};

/* exec latency histogram: 4 bytes of padding after each slot's count */
struct lat_slot {
	__u32 count;
	__u64 sum_ns;
};

struct lat_hist {
	struct lat_slot slots[4];
};

#endif /* __PROCMON_H */
