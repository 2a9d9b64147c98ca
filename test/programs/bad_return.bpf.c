// Test program: cgroup sock programs must return 0 or 1.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("cgroup/sock")
int bad_return(struct bpf_sock *sk)
{
	if (sk->family == 2)
		return 1;
	return 3; /* only 0 and 1 are allowed */
} /* BUG: exit with R0 = 3 */

char LICENSE[] SEC("license") = "GPL";
