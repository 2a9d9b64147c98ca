import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXPLANATION_IDS, explain } from '../../core/verifier-log/explanations';
import { programKind } from '../../core/verifier-log/program-type';

const NULL_DEREF = "R0 invalid mem access 'map_value_or_null'";
const PACKET = 'invalid access to packet, off=12 size=2, R1(id=0,off=12,r=1)';
const BAD_RETURN = 'At program exit the register R0 has smin=3 smax=3 should have been in [0, 1]';

describe('explanations for the program\'s type', () => {
  it('knows libbpf\'s section names', () => {
    const cases: [string, string][] = [['xdp', 'xdp'], ['xdp.frags', 'xdp'], ['xdp/devmap', 'xdp'], ['tc', 'tc'], ['tc/ingress', 'tc'],
      ['tcx/egress', 'tc'], ['classifier', 'tc'], ['cgroup_skb/ingress', 'cgroup_skb'], ['socket', 'socket_filter'],
      ['kprobe/do_sys_open', 'tracing'], ['tracepoint/syscalls/sys_enter_openat', 'tracing'], ['fentry/tcp_v4_connect', 'tracing'],
      ['cgroup/connect4', 'cgroup'], ['lsm/file_open', 'lsm'], ['sk_skb/stream_verdict', 'sk_skb'], ['struct_ops/x', 'unknown']];
    for (const [section, kind] of cases) assert.equal(programKind(section), kind, section);
  });

  it('an early return lets the packet or event through the way this type does it', () => {
    const want: [string, RegExp][] = [['xdp', /return XDP_PASS;/], ['tc', /return TC_ACT_OK;/], ['tcx/ingress', /return TC_ACT_OK;/],
      ['cgroup_skb/egress', /return 1;/], ['socket', /return skb->len;.*0 drops/], ['kprobe/x', /return 0;/], ['tp_btf/sched_switch', /return 0;/]];
    for (const [section, fix] of want) {
      for (const message of [NULL_DEREF, PACKET]) {
        const ex = explain(message, section);
        assert.match(ex!.fix, fix, `${section}: ${ex!.fix}`);
        if (section !== 'xdp') assert.doesNotMatch(ex!.fix, /XDP_/, `${section}: ${ex!.fix}`);
      }
    }
    assert.match(explain(PACKET, 'tc')!.fix, /skb->data_end/);
    assert.match(explain(PACKET, 'xdp')!.fix, /ctx->data_end/);
  });

  it('the allowed return values and the context struct are the type\'s', () => {
    assert.match(explain(BAD_RETURN, 'cgroup_skb/ingress')!.explanation, /0 \(drop\) or 1 \(allow\)/);
    assert.match(explain(BAD_RETURN, 'xdp')!.fix, /XDP_PASS, XDP_DROP/);
    assert.match(explain('invalid bpf_context access off=76 size=4', 'tc')!.fix, /struct __sk_buff/);
    assert.doesNotMatch(explain('invalid bpf_context access off=76 size=4', 'tc')!.fix, /xdp_md/);
  });

  it('without a section, no type\'s value is claimed and no placeholder is left', () => {
    const ex = explain(NULL_DEREF);
    assert.match(ex!.fix, /return 0;.*XDP_PASS for XDP, TC_ACT_OK for TC/);
    for (const section of [undefined, 'xdp', 'tc', 'socket', 'kprobe/x']) {
      for (const id of EXPLANATION_IDS) {
        // every entry rendered for every type: a `{pass}` left in would show to the user
        const e = explain(SAMPLE[id] ?? '', section);
        if (e) assert.doesNotMatch(`${e.explanation}\n${e.fix}`, /\{\w+\}/, `${id} for ${section}`);
      }
    }
  });
});

/** One message per explanation that uses program-type advice (the others have no placeholder to fill). */
const SAMPLE: Record<string, string> = {
  'null-deref': NULL_DEREF, 'packet-bounds': PACKET, 'bad-return': BAD_RETURN,
  'map-value-bounds': 'invalid access to map value, value_size=8 off=8 size=8',
  'negative-index': 'R2 min value is negative, either use unsigned index or do a if (index >=0) check.',
  'ctx-access': 'invalid bpf_context access off=76 size=4',
};
