/** The verify-on-save status bar item's words (no vscode import: unit-tested in plain Node). */
import * as path from 'node:path';
import type { VerifyStatusParams } from '../core/lsp-ext';

/** What the item says for a status: the text, and the tooltip. */
export function verifyStatusText(s: VerifyStatusParams): { text: string; tooltip: string } {
  const file = path.basename(s.source);
  switch (s.state) {
    case 'building':
      return { text: `$(sync~spin) eBPF: building ${file}`, tooltip: `clang is building ${s.source}` };
    case 'verifying':
      return { text: `$(sync~spin) eBPF: verifying ${file}`, tooltip: `The kernel is verifying the programs of ${s.source}` };
    case 'failed':
      return { text: `$(error) eBPF: ${file} not verified`, tooltip: s.message ?? 'The build or the verification failed; see Problems.' };
    case 'done': {
      const rejected = s.rejected ?? 0;
      const text = `${rejected > 0 ? '$(error)' : '$(check)'} eBPF: ${s.verified ?? 0} verified, ${rejected} rejected · ${s.ms ?? 0} ms`;
      return { text, tooltip: `${s.source}: the kernel's verdict on the saved file. Click for Problems.` };
    }
  }
}
