// Not a BPF program: a translation unit that makes clang emit every BTF kind it can (clang 14: no ENUM64).
typedef unsigned int u32_t;
enum color { RED, GREEN = 5 };
struct fwd_only;
struct bits { unsigned a : 3, b : 5; unsigned long long c : 40; char d; };
union u { int i; float f; double dd; };
struct all {
	const volatile u32_t cv;
	int *restrict rp;
	struct fwd_only *fp;
	char arr[2][3];
	enum color col;
	union u un;
	struct bits bt;
	int __attribute__((btf_type_tag("user"))) *tagged;
	long double ld;
} __attribute__((btf_decl_tag("tagged_struct")));
struct all global_all;
int counter __attribute__((section(".data.counters")));
int add(int a, struct all *b) { return a + b->cv + counter; }
