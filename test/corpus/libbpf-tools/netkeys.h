/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Keys shared by the socket tools (tcpstates, tcprtt): 4 bytes of padding after netns. */
#ifndef __NETKEYS_H
#define __NETKEYS_H

struct sk_key {
	__u32 netns;
	__u64 cookie;
};

#endif /* __NETKEYS_H */
