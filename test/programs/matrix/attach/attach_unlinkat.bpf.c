// Two programs on do_unlinkat, which 7.3 no longer has (in neither its BTF nor its kallsyms): the fentry one
// cannot load there (libbpf finds no BTF for its target) and the kprobe one loads but could never attach. Up to
// 6.1 both load (fentry on the host: EPERM, the host is locked down). Neither is ever attached.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("fentry/do_unlinkat")
int unlink_entry(void *ctx)
{
	return 0;
}

SEC("kprobe/do_unlinkat")
int unlink_probe(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
