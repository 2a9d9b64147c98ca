import type { Node } from 'web-tree-sitter';
import type { CFileModel } from '../../source/c-model';
import type { Finding, Severity } from '../finding';

/**
 * A verifier-unsafe pattern rule (issue 13): reads one C file's tree-sitter tree and reports what the verifier would
 * reject (or what modern kernels and libbpf replace), with the verifier's own words and a fix.
 *
 * The tree is parsed from the masked text (c-macro-mask.ts: `SEC("...")` and map member macros blanked, every offset
 * kept), so a rule that needs a section name or a map macro reads `source` (the original text) at the node's offsets.
 */
export interface UnsafeRuleContext {
  /** The translation unit's root node (tree-sitter-c), parsed from the masked text. */
  root: Node;
  /** The file's original text, as the user wrote it. */
  source: string;
  /** The file's layout model (records, maps, typedefs, headers), for rules that need types. */
  model: CFileModel;
  /** Facts about the running kernel, when known (attach targets, helpers); rules must work without them. */
  kernel?: KernelFacts;
}

/** What the running kernel offers, read once (from /sys/kernel/btf/vmlinux and tracefs) by the host, not by rules. */
export interface KernelFacts {
  release: string;
  /** Kernel functions with BTF (FUNC names): what fentry/fexit/kprobe/lsm can name. */
  hasFunction(name: string): boolean;
  /** `group/name` tracepoints, when tracefs is readable; undefined when unknown. */
  hasTracepoint?(group: string, name: string): boolean | undefined;
  /** Raw tracepoints (a `btf_trace_<name>` typedef in the kernel's BTF): what tp_btf/ and raw_tp/ can name. */
  hasRawTracepoint?(name: string): boolean;
  /** Any kernel symbol (/proc/kallsyms, when readable): kprobes can name functions without BTF; undefined when unknown. */
  hasSymbol?(name: string): boolean | undefined;
}

export interface UnsafeRule {
  /** The rule id, as in `// ebpf-lint-disable-next-line RULE` and the `ebpf.lint.severity` setting. */
  id: string;
  /** One line for docs and SARIF's rule metadata. */
  description: string;
  /** The severity when the rule is certain; a rule may report lower (never higher) per finding, saying why. */
  defaultSeverity: Severity;
  /**
   * The tree lives only while check() runs: a finding's `fixes` closure is called later (a light bulb, `lint --fix`),
   * so it must capture ranges and texts, never tree nodes.
   */
  check(ctx: UnsafeRuleContext): Finding[];
}
