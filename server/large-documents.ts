/**
 * Large C documents (a generated vmlinux.h is 3 MB and 150,000 lines) are analysed off the server's event loop:
 * tree-sitter parses about 2 MB/s here, so a cold parse of one blocks for seconds, and every hover, lens and
 * diagnostic of the other documents would wait for it.
 */

/** From this size on a C document is analysed in the worker; below it a cold parse takes under ~250 ms. */
export const LARGE_DOCUMENT_CHARS = 512 * 1024;

/**
 * A worker that holds only documents that hand nothing to the kernel (they need it for hovers alone) stops after this
 * long without a request: its memory (a vmlinux.h's parse takes ~200 MB) goes back, and a later hover parses again.
 * EBPF_DEBUGGER_IDLE_STOP_MS overrides it (the LSP test waits less).
 */
export const IDLE_STOP_MS = Number(process.env.EBPF_DEBUGGER_IDLE_STOP_MS) || 30_000;

/**
 * What a C document needs for any finding or code lens: a map definition (BTF-style `__uint(...)`/`__type(...)`
 * members, legacy `struct bpf_map_def`/`bpf_elf_map`), a program section (`SEC("...")`), or code (a function body:
 * helper calls, output calls, wrappers around them, loops). The layout rules report only structs that a map or an
 * output call of this document uses (core/source/c-usage.ts); the verifier-pattern rules (core/rules/unsafe/) read
 * programs, their sections, helper calls and maps. A document with none of these has no findings and no lenses.
 * `)` then `{` is every function body; it also matches some attribute spellings, which only costs the shortcut.
 * Separate simple patterns scan a 3 MB header in ~15 ms; one alternation of them takes twice as long.
 */
const MAP_OR_CODE = [/__(?:uint|type|array|ulong)\s*\(/, /\bbpf_(?:map_def|elf_map|ringbuf_output|ringbuf_reserve|perf_event_output)\b/,
  /\b(?:SEC|__section)\s*\(/, /\)\s*\{/];

/**
 * True when the document provably hands no struct to the kernel (a vmlinux.h: types only): its diagnostics are
 * empty and can be published without parsing it. Its parse is needed only by a hover or a layout request on it.
 */
export function handsNothingToTheKernel(text: string): boolean {
  return !MAP_OR_CODE.some((pattern) => pattern.test(text));
}
