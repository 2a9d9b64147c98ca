/* What libbpf >= 1.2 headers provide and this machine's libbpf 1.1 headers lack: bpf_for and bpf_core_cast. */
#ifndef UNSAFE_GOOD_COMPAT_H
#define UNSAFE_GOOD_COMPAT_H

#ifndef bpf_for
extern int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __weak __ksym;
extern int *bpf_iter_num_next(struct bpf_iter_num *it) __weak __ksym;
extern void bpf_iter_num_destroy(struct bpf_iter_num *it) __weak __ksym;

#define bpf_for(i, start, end) for (							\
	struct bpf_iter_num ___it __attribute__((aligned(8), cleanup(bpf_iter_num_destroy))),	\
		*___p __attribute__((unused)) = (bpf_iter_num_new(&___it, (start), (end)),	\
			(void)bpf_iter_num_destroy, (void *)0);				\
	({ int *___t = bpf_iter_num_next(&___it);					\
	   (___t && ((i) = *___t, (i) >= (start) && (i) < (end))); });			\
	)
#endif

#ifndef bpf_core_cast
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;
#define bpf_core_cast(ptr, type) ((typeof(type) *)bpf_rdonly_cast((ptr), bpf_core_type_id_kernel(type)))
#endif

#endif
