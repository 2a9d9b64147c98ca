// Test program: a CO-RE read of a field the running kernel does not have. libbpf poisons the instruction and
// rewrites the verifier's log line into `N: <invalid CO-RE relocation>` plus the failed relocation.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct___fake {
	int no_such_field;
} __attribute__((preserve_access_index));

SEC("kprobe/do_nanosleep")
int core_poison(void *ctx)
{
	struct task_struct___fake *t = (void *)bpf_get_current_task(); /* BUG: clang put the CO-RE offset load here */

	return BPF_CORE_READ(t, no_such_field); /* no_such_field is not in the kernel's task_struct */
}

char LICENSE[] SEC("license") = "GPL";
