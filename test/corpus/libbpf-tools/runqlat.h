/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __RUNQLAT_H
#define __RUNQLAT_H

#define TASK_COMM_LEN	16
#define MAX_SLOTS	26

#define HIST_MODE_PID		1
#define HIST_MODE_CGROUP	2
#define HIST_MODE_CPU		3

/* per process unless the build asks otherwise */
#ifndef HIST_MODE
#define HIST_MODE HIST_MODE_PID
#endif

struct hist {
	__u32 slots[MAX_SLOTS];
	char comm[TASK_COMM_LEN];
};

#endif /* __RUNQLAT_H */
