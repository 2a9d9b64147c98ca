// Test program: the program names an exception callback (__exception_cb), which libbpf appends after the
// program's own code (1.3+). libbpf 1.1 leaves it out and the kernel refuses the program before checking any
// instruction ("exception callback type id not found in func_info"): the location is then the program's
// function, from func_info, marked approximate. With a newer libbpf the reject is in the callback itself.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern void bpf_throw(u64 cookie) __ksym;

__attribute__((noinline)) int on_throw(u64 cookie)
{
	int *p = (int *)cookie;

	return *p; /* BUG: a scalar dereferenced as a pointer (in the appended callback) */
}

SEC("tc")
__attribute__((btf_decl_tag("exception_callback:on_throw")))
int exception_cb(struct __sk_buff *skb)
{
	if (skb->len > 100)
		bpf_throw(1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
