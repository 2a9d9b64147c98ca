// Bad input for tests: a section name libbpf does not know.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
SEC("frobnicate") int weird(void *ctx) { return 0; }
char LICENSE[] SEC("license") = "GPL";
