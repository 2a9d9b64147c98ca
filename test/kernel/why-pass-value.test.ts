/**
 * A bounds reject's suggestion ends its early return with the program type's pass value, as the explanation's fix
 * does: `return XDP_PASS;` for XDP and `return TC_ACT_OK;` for TC, never `return 0;` (XDP_ABORTED, TC_ACT_OK by luck).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { HelperClient } from '../../core/loader/helper-client';
import { verifyObject } from '../../core/verify/verify-object';
import { DIST } from '../support/paths';

const program = (section: string, name: string, ctx: string, pass: string) => `
SEC("${section}")
int ${name}(${ctx} *ctx)
{
	__u32 key = 0;
	struct hist *h = bpf_map_lookup_elem(&hists, &key);
	__u32 q = ctx->ingress_ifindex;

	if (!h)
		return ${pass};
	h->slots[q] += 1;
	return ${pass};
}
`;

const SOURCE = `#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct hist { __u64 slots[16]; };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hist);
} hists SEC(".maps");
${program('xdp', 'xdp_index', 'struct xdp_md', 'XDP_PASS')}
${program('tc', 'tc_index', 'struct __sk_buff', 'TC_ACT_OK')}
char LICENSE[] SEC("license") = "GPL";
`;

describe('a bounds reject\'s suggestion returns the program type\'s pass value', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-why-pass-'));
  const helper = new HelperClient({ helperPath: path.join(DIST, 'helper.js') });
  after(async () => { await helper.close(); rmSync(dir, { recursive: true, force: true }); });

  it('XDP_PASS for the XDP program, TC_ACT_OK for the TC one', async () => {
    const src = path.join(dir, 'index.bpf.c');
    writeFileSync(src, SOURCE);
    const { report } = await verifyObject(helper, src, { build: { outDir: dir } });
    for (const [name, pass] of [['xdp_index', 'XDP_PASS'], ['tc_index', 'TC_ACT_OK']]) {
      const p = report.programs.find((x) => x.name === name);
      assert.equal(p?.verdict, 'rejected', `${name}: ${p?.message}`);
      const suggestion = (p as { suggestion?: string | null }).suggestion ?? '';
      assert.match(suggestion, new RegExp(`>= LEN\\) return ${pass};\``), `${name}: ${suggestion}`);
      assert.doesNotMatch(suggestion, /return 0;/);
    }
  });
});
