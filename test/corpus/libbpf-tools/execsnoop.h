/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __EXECSNOOP_H
#define __EXECSNOOP_H

#define ARGSIZE			128
#define TASK_COMM_LEN		16
#define TOTAL_MAX_ARGS		20
#define DEFAULT_MAXARGS		20
#define FULL_MAX_ARGS_ARR	(TOTAL_MAX_ARGS * ARGSIZE)
#define LAST_ARG		(FULL_MAX_ARGS_ARR - ARGSIZE)

/* every member 4-byte aligned, char arrays last: no padding anywhere */
struct event {
	__u32 pid;
	__u32 ppid;
	__u32 uid;
	int retval;
	int args_count;
	unsigned int args_size;
	char comm[TASK_COMM_LEN];
	char args[FULL_MAX_ARGS_ARR];
};

#endif /* __EXECSNOOP_H */
