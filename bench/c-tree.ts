/**
 * A libbpf-tools-like C tree for the lint benchmark: common headers (bits, maps, compat reserve wrappers, core
 * fixes) and one `.bpf.c` + `.h` pair per tool, with hash maps keyed by structs, value structs, ring/perf buffer
 * events sent through the compat wrappers, `= {}` and field-by-field keys. Deterministic (seeded).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SeededRandom } from './seeded-random';

/** Field types as libbpf-tools spell them, with their sizes (mixed: some structs have holes). */
const FIELD_TYPES: readonly [string, number][] = [['__u8', 1], ['__u16', 2], ['__u32', 4], ['__u64', 8], ['pid_t', 4], ['u32', 4], ['u64', 8], ['__s32', 4]];
const HASH_MAPS = ['BPF_MAP_TYPE_HASH', 'BPF_MAP_TYPE_LRU_HASH', 'BPF_MAP_TYPE_PERCPU_HASH'];
const PROBES = ['kprobe/vfs_read', 'kprobe/tcp_v4_connect', 'tracepoint/sched/sched_switch', 'fentry/do_unlinkat', 'tp_btf/block_rq_issue', 'raw_tp/sched_wakeup'];

const COMMON_HEADERS: Record<string, string> = {
  'bits.bpf.h': `/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __BITS_BPF_H
#define __BITS_BPF_H

#define READ_ONCE(x) (*(volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, val) ((*(volatile typeof(x) *)&(x)) = val)

static __always_inline u64 log2(u32 v)
{
	u32 shift, r;

	r = (v > 0xFFFF) << 4; v >>= r;
	shift = (v > 0xFF) << 3; v >>= shift; r |= shift;
	shift = (v > 0xF) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

static __always_inline u64 log2l(u64 v)
{
	u32 hi = v >> 32;

	if (hi)
		return log2(hi) + 32;
	return log2(v);
}

#endif /* __BITS_BPF_H */
`,
  'maps.bpf.h': `/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __MAPS_BPF_H
#define __MAPS_BPF_H

#include <bpf/bpf_helpers.h>
#include <asm-generic/errno.h>

static __always_inline void *
bpf_map_lookup_or_try_init(void *map, const void *key, const void *init)
{
	void *val;
	long err;

	val = bpf_map_lookup_elem(map, key);
	if (val)
		return val;

	err = bpf_map_update_elem(map, key, init, BPF_NOEXIST);
	if (err && err != -EEXIST)
		return 0;

	return bpf_map_lookup_elem(map, key);
}

#endif /* __MAPS_BPF_H */
`,
  'compat.bpf.h': `/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __COMPAT_BPF_H
#define __COMPAT_BPF_H

#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

#define MAX_EVENT_SIZE		10240
#define RINGBUF_SIZE		(1024 * 256)

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, MAX_EVENT_SIZE);
} heap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RINGBUF_SIZE);
} events SEC(".maps");

static __always_inline void *reserve_buf(__u64 size)
{
	static const int zero = 0;

	if (bpf_core_type_exists(struct bpf_ringbuf))
		return bpf_ringbuf_reserve(&events, size, 0);

	return bpf_map_lookup_elem(&heap, &zero);
}

static __always_inline long submit_buf(void *ctx, void *buf, __u64 size)
{
	if (bpf_core_type_exists(struct bpf_ringbuf)) {
		bpf_ringbuf_submit(buf, 0);
		return 0;
	}

	return bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, buf, size);
}

#endif /* __COMPAT_BPF_H */
`,
  'core_fixes.bpf.h': `/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __CORE_FIXES_BPF_H
#define __CORE_FIXES_BPF_H

#include <vmlinux.h>
#include <bpf/bpf_core_read.h>

struct task_struct___o {
	volatile long int state;
} __attribute__((preserve_access_index));

struct task_struct___x {
	unsigned int __state;
} __attribute__((preserve_access_index));

static __always_inline __s64 get_task_state(void *task)
{
	struct task_struct___x *t = task;

	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___o *)task, state);
}

#endif /* __CORE_FIXES_BPF_H */
`,
  'trace_helpers.h': `/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __TRACE_HELPERS_H
#define __TRACE_HELPERS_H

#define NSEC_PER_SEC		1000000000ULL

struct ksym {
	const char *name;
	unsigned long addr;
};

struct partition {
	char *name;
	unsigned int dev;
};

void print_log2_hist(unsigned int *vals, int vals_size, const char *val_type);
unsigned long long get_ktime_ns(void);

#endif /* __TRACE_HELPERS_H */
`,
  'btf_helpers.h': `/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __BTF_HELPERS_H
#define __BTF_HELPERS_H

#include <bpf/libbpf.h>

int ensure_core_btf(struct bpf_object_open_opts *opts);
void cleanup_core_btf(struct bpf_object_open_opts *opts);

#endif /* __BTF_HELPERS_H */
`,
  'uprobe_helpers.h': `/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __UPROBE_HELPERS_H
#define __UPROBE_HELPERS_H

#include <sys/types.h>

int get_pid_binary_path(pid_t pid, char *path, size_t path_sz);
int resolve_binary_path(const char *binary, pid_t pid, char *path, size_t path_sz);

#endif /* __UPROBE_HELPERS_H */
`,
  'errno_helpers.h': `/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __ERRNO_HELPERS_H
#define __ERRNO_HELPERS_H

int errno_by_name(const char *errno_name);

#endif /* __ERRNO_HELPERS_H */
`,
  'map_helpers.h': `/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __MAP_HELPERS_H
#define __MAP_HELPERS_H

#include <bpf/bpf.h>

int dump_hash(int map_fd, void *keys, __u32 key_size, void *values, __u32 value_size, __u32 *count, void *invalid_key);

#endif /* __MAP_HELPERS_H */
`,
  'histogram.h': `/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
#ifndef __HISTOGRAM_H
#define __HISTOGRAM_H

#define MAX_SLOTS	27
#define TASK_COMM_LEN	16

struct hist {
	__u32 slots[MAX_SLOTS];
	char comm[TASK_COMM_LEN];
};

#endif /* __HISTOGRAM_H */
`,
};

interface Field { type: string; name: string; size: number }

function randomFields(rnd: SeededRandom, prefix: string, n: number): Field[] {
  const fields: Field[] = [];
  for (let i = 0; i < n; i++) {
    const [type, size] = rnd.pick(FIELD_TYPES);
    fields.push({ type, name: `${prefix}${i}`, size });
  }
  // half of them ordered by size, as careful authors do (no inner holes)
  return rnd.chance(0.5) ? fields.sort((a, b) => b.size - a.size) : fields;
}

const structText = (name: string, fields: Field[], extra: string[] = []) =>
  [`struct ${name} {`, ...fields.map((f) => `\t${f.type} ${f.name};`), ...extra, '};'].join('\n');

function toolHeader(tool: string, key: Field[], val: Field[], ev: Field[]): string {
  const guard = `__${tool.toUpperCase()}_H`;
  return [`/* SPDX-License-Identifier: GPL-2.0 */`, `#ifndef ${guard}`, `#define ${guard}`, '', '#include "histogram.h"', '', '#define MAX_ENTRIES\t10240', '',
    structText(`${tool}_key`, key), '', structText(`${tool}_val`, val, ['\t__u32 slots[MAX_SLOTS];']), '',
    structText(`${tool}_event`, ev, ['\tchar comm[TASK_COMM_LEN];']), '', `#endif /* ${guard} */`, ''].join('\n');
}

function toolSource(rnd: SeededRandom, tool: string, key: Field[], ev: Field[]): string {
  const zeroed = rnd.chance(0.7); // most tools zero their keys with `= {}`; the rest fill them field by field
  const keyInit = zeroed ? [`\tstruct ${tool}_key key = {};`, ...key.slice(0, 2).map((f) => `\tkey.${f.name} = pid;`)]
    : [`\tstruct ${tool}_key key;`, ...key.map((f) => `\tkey.${f.name} = pid;`)];
  const probe = rnd.pick(PROBES);
  return [
    '// SPDX-License-Identifier: GPL-2.0',
    '#include <vmlinux.h>',
    '#include <bpf/bpf_helpers.h>',
    '#include <bpf/bpf_core_read.h>',
    '#include <bpf/bpf_tracing.h>',
    `#include "${tool}.h"`,
    '#include "bits.bpf.h"',
    '#include "maps.bpf.h"',
    '#include "compat.bpf.h"',
    '#include "core_fixes.bpf.h"',
    '',
    'const volatile pid_t targ_pid = 0;',
    'const volatile bool targ_per_thread = false;',
    '',
    'struct {',
    `\t__uint(type, ${rnd.pick(HASH_MAPS)});`,
    '\t__uint(max_entries, MAX_ENTRIES);',
    `\t__type(key, struct ${tool}_key);`,
    `\t__type(value, struct ${tool}_val);`,
    `} ${tool}_stats SEC(".maps");`,
    '',
    'struct {',
    '\t__uint(type, BPF_MAP_TYPE_HASH);',
    '\t__uint(max_entries, MAX_ENTRIES);',
    '\t__type(key, u32);',
    '\t__type(value, u64);',
    '} start SEC(".maps");',
    '',
    `static struct ${tool}_val zero_val;`,
    '',
    `SEC("${probe}")`,
    `int BPF_PROG(${tool}_entry)`,
    '{',
    '\tu64 id = bpf_get_current_pid_tgid();',
    '\tu32 pid = id >> 32;',
    '\tu64 ts = bpf_ktime_get_ns();',
    '',
    '\tif (targ_pid && targ_pid != pid)',
    '\t\treturn 0;',
    '\tbpf_map_update_elem(&start, &pid, &ts, BPF_ANY);',
    '\treturn 0;',
    '}',
    '',
    `SEC("${probe.replace('kprobe', 'kretprobe')}")`,
    `int BPF_PROG(${tool}_exit)`,
    '{',
    '\tu64 id = bpf_get_current_pid_tgid();',
    '\tu32 pid = id >> 32;',
    `\tstruct ${tool}_val *valp;`,
    `\tstruct ${tool}_event *e;`,
    '\tu64 *tsp, delta;',
    '',
    '\ttsp = bpf_map_lookup_elem(&start, &pid);',
    '\tif (!tsp)',
    '\t\treturn 0;',
    '\tdelta = bpf_ktime_get_ns() - *tsp;',
    ...keyInit,
    `\tvalp = bpf_map_lookup_or_try_init(&${tool}_stats, &key, &zero_val);`,
    '\tif (valp)',
    '\t\t__sync_fetch_and_add(&valp->slots[log2l(delta) % MAX_SLOTS], 1);',
    '',
    '\te = reserve_buf(sizeof(*e));',
    '\tif (!e)',
    '\t\treturn 0;',
    ...ev.slice(0, 3).map((f) => `\te->${f.name} = delta;`),
    '\tbpf_get_current_comm(&e->comm, sizeof(e->comm));',
    '\tsubmit_buf(ctx, e, sizeof(*e));',
    '\tbpf_map_delete_elem(&start, &pid);',
    '\treturn 0;',
    '}',
    '',
    'char LICENSE[] SEC("license") = "GPL";',
    '',
  ].join('\n');
}

/** Write the tree under `dir` (10 common headers and one pair per tool: `tools` = 60 makes 130 files); the files, sorted. */
export function writeCTree(dir: string, tools = 60, seed = 11): string[] {
  const rnd = new SeededRandom(seed);
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const [name, text] of Object.entries(COMMON_HEADERS)) {
    writeFileSync(path.join(dir, name), text);
    files.push(path.join(dir, name));
  }
  for (let i = 0; i < tools; i++) {
    const tool = `tool${String(i).padStart(2, '0')}`;
    const key = randomFields(rnd, 'k', rnd.int(2, 5));
    const val = randomFields(rnd, 'v', rnd.int(1, 4));
    const ev = randomFields(rnd, 'e', rnd.int(3, 7));
    writeFileSync(path.join(dir, `${tool}.h`), toolHeader(tool, key, val, ev));
    writeFileSync(path.join(dir, `${tool}.bpf.c`), toolSource(rnd, tool, key, ev));
    files.push(path.join(dir, `${tool}.h`), path.join(dir, `${tool}.bpf.c`));
  }
  return files.sort();
}
