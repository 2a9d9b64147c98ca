/**
 * The C source of the guest's loader, compiled on the host (clang, against the host's libbpf) when the base
 * initramfs is built. It does in the guest what the helper does on the host: each program of the object on its
 * own (the others' autoload off), at the requested log level, into a log buffer of its own, never attached; and it
 * prints each program's errno, libbpf's messages and the kernel's log between markers that a log cannot contain.
 * bpftool cannot do that: it loads the whole object and stops at the first program the kernel refuses.
 */
export const GUEST_LOADER_C = String.raw`
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stdout, fmt, ap); /* libbpf's messages start with "libbpf: " */
}

int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	const char *path = argv[1];
	unsigned level = (unsigned)atoi(argv[2]);
	size_t size = (size_t)atol(argv[3]);
	char *buf = malloc(size);
	if (!buf)
		return 3;
	libbpf_set_print(print_libbpf);
	printf("=== LIBBPF %s\n", libbpf_version_string());
	struct bpf_object *names = bpf_object__open_file(path, NULL);
	if (!names) {
		printf("=== OPEN-FAILED errno=%d\n", errno);
		return 0;
	}
	struct bpf_program *want;
	bpf_object__for_each_program(want, names) {
		const char *name = bpf_program__name(want);
		printf("=== PROG-BEGIN %s %s\n", name, bpf_program__section_name(want));
		fflush(stdout);
		struct bpf_object *obj = bpf_object__open_file(path, NULL);
		int err = obj ? 0 : errno;
		struct bpf_program *p;
		if (obj) {
			bpf_object__for_each_program(p, obj) {
				int mine = strcmp(bpf_program__name(p), name) == 0;
				bpf_program__set_autoload(p, mine);
				if (mine) {
					buf[0] = 0;
					bpf_program__set_log_buf(p, buf, size);
					bpf_program__set_log_level(p, level);
				}
			}
			err = bpf_object__load(obj) ? errno : 0;
		}
		fflush(stdout);
		size_t n = obj ? strnlen(buf, size) : 0;
		printf("=== LOG-BEGIN %zu\n", n);
		fwrite(buf, 1, n, stdout);
		if (n > 0 && buf[n - 1] != '\n')
			putchar('\n');
		printf("=== LOG-END\n=== PROG-END %s errno=%d\n", name, err);
		fflush(stdout);
		bpf_object__close(obj);
	}
	bpf_object__close(names);
	return 0;
}
`;
