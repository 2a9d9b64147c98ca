/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __OPENSNOOP_H
#define __OPENSNOOP_H

#define TASK_COMM_LEN	16
#define NAME_MAX	255

/* 4 bytes of padding after ret (ts is 8-aligned); built in a per-CPU scratch value, as BCC ports do */
struct event {
	__u32 pid;
	__u32 uid;
	int ret;
	__u64 ts;
	char comm[TASK_COMM_LEN];
	char fname[NAME_MAX];
	__u8 mode;
};

#endif /* __OPENSNOOP_H */
