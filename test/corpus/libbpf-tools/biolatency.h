/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __BIOLATENCY_H
#define __BIOLATENCY_H

#define DISK_NAME_LEN	32
#define MAX_SLOTS	27

#define MINORBITS	20
#define MINORMASK	((1U << MINORBITS) - 1)
#define MKDEV(ma, mi)	(((ma) << MINORBITS) | (mi))

/*
 * The Makefile builds with -DBIOLAT_PER_FLAG (see the corpus test): cmd_flags is there and the key is 16 bytes with
 * no padding. Without it the key would be 12 bytes of fields in 16, with a 4-byte hole at the end.
 */
struct hist_key {
	__u64 cgroup_id;
#ifdef BIOLAT_PER_FLAG
	__u32 cmd_flags;
#endif
	__u32 dev;
};

struct hist {
	__u32 slots[MAX_SLOTS];
};

#endif /* __BIOLATENCY_H */
