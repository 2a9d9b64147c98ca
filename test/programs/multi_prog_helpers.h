// Code in a header: inlined into the program that calls it, so its reject maps to this file.
#pragma once
#include <linux/bpf.h>

static __always_inline __u64 header_bump(__u64 *slot)
{
	return *slot += 1; /* BUG(from_header): slot may be NULL */
}
