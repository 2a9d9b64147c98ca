/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __TCPTOP_H
#define __TCPTOP_H

#define TASK_COMM_LEN	16

/* spelled as pahole and `bpftool btf dump ... format c` print them */
struct sock_key {
	long long unsigned int cookie;
	short unsigned int sport;
	short unsigned int dport;
#if 1
	unsigned int pid;
#endif
#if 0
	unsigned char state;	/* planned: per TCP state */
#endif
};

struct traffic_key {
	short unsigned int family;
	long long unsigned int cgroup;
};

struct proc_key {
	char signed nice;
	signed short prio;
	long int start;
};

struct traffic_val {
	unsigned long long sent;
	unsigned long long received;
	char comm[TASK_COMM_LEN];
};

#endif /* __TCPTOP_H */
