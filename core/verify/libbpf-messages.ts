/** libbpf's messages for load failures that never reach the verifier, with what to do about each. */
const KNOWN: { pattern: RegExp; explain: (m: RegExpExecArray) => string }[] = [
  {
    pattern: /missing BPF prog type, check ELF section name '([^']*)'/,
    explain: (m) => `The section name '${m[1]}' is not a program type libbpf knows, so it cannot load the program. `
      + 'Use a section name libbpf recognises, e.g. SEC("xdp"), SEC("tc"), SEC("kprobe/<function>"), SEC("tracepoint/<category>/<name>"), SEC("socket").',
  },
  {
    pattern: /failed to find kernel BTF type ID of '([^']*)'/,
    explain: (m) => `The attach target '${m[1]}' does not exist in this kernel's BTF (/sys/kernel/btf/vmlinux), so the program cannot be `
      + 'loaded here: check the function name for this kernel version, or load it on a kernel that has it.',
  },
  {
    pattern: /failed to resolve CO-RE relocation|failed to relocate/,
    explain: () => 'A CO-RE relocation could not be resolved against this kernel\'s BTF; guard the access with bpf_core_field_exists().',
  },
  {
    pattern: /map '([^']*)': failed to create: (.*)/,
    explain: (m) => `libbpf could not create map '${m[1]}' (${m[2]}).`,
  },
];

const EPERM = 1;

/** A user-facing message for an `error` verdict: libbpf's reason and the fix, or libbpf's last failure lines. */
export function loadErrorMessage(errno: number, libbpfLines: string[]): string {
  if (errno === EPERM) {
    return 'The kernel refused to load the program (EPERM): the loader lacks CAP_BPF/CAP_PERFMON/CAP_NET_ADMIN '
      + '(networking programs such as XDP and TC need CAP_NET_ADMIN too). To verify without root, run '
      + '`sudo ebpf-debugger setup-privileges --install --user $USER` once (in VS Code: "eBPF: Set Up Privileged Verification"), '
      + 'or run as root.';
  }
  for (const line of libbpfLines) {
    for (const k of KNOWN) {
      const m = k.pattern.exec(line);
      if (m) return `${k.explain(m)}\n${line.replace(/^libbpf: /, '')}`;
    }
  }
  const last = libbpfLines.filter((m) => /fail|error|invalid|unknown|not found|cannot|missing/i.test(m)).slice(-3);
  return last.length > 0 ? last.join('\n') : `libbpf could not load the program (errno ${errno}).`;
}
