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
#include <unistd.h>

/*
 * A kprobe or tracepoint target is only resolved when attaching, which this loader never does: look it up where
 * the guest's kernel lists it (kallsyms, tracefs) so that a program "accepted" on a kernel that lacks its target
 * says so. Only an exact miss is reported; an unreadable list says nothing.
 */
static void check_attach_target(const char *sec)
{
	char fn[256], path[512], line[512];
	const char *rest;
	if ((rest = strchr(sec, '/')) && (!strncmp(sec, "kprobe/", 7) || !strncmp(sec, "kretprobe/", 10))) {
		size_t n = strcspn(rest + 1, "+");
		if (n == 0 || n >= sizeof(fn))
			return;
		memcpy(fn, rest + 1, n);
		fn[n] = 0;
		FILE *f = fopen("/proc/kallsyms", "r");
		if (!f)
			return;
		int found = 0;
		while (!found && fgets(line, sizeof(line), f)) {
			char *name = strchr(line, ' ');
			name = name ? strchr(name + 1, ' ') : NULL;
			if (!name)
				continue;
			name++;
			size_t l = strcspn(name, " \t\n");
			found = l == n && !strncmp(name, fn, n);
		}
		fclose(f);
		if (!found)
			printf("=== ATTACH-MISSING function %s\n", fn);
	} else if (rest && (!strncmp(sec, "tracepoint/", 11) || !strncmp(sec, "tp/", 3))) {
		if (access("/sys/kernel/tracing/events", F_OK) != 0 || strlen(rest + 1) > 256)
			return;
		snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s", rest + 1);
		if (access(path, F_OK) != 0)
			printf("=== ATTACH-MISSING tracepoint %s\n", rest + 1);
	}
}

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
		printf("=== LOG-END\n");
		check_attach_target(bpf_program__section_name(want));
		printf("=== PROG-END %s errno=%d\n", name, err);
		fflush(stdout);
		bpf_object__close(obj);
	}
	bpf_object__close(names);
	return 0;
}
`;
