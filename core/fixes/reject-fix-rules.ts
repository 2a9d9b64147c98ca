/**
 * Which lint rules' quick fixes address a verifier reject, by the reject's explanation id: a reject's fix is the lint
 * quick fix of the same bug at the same place (core/rules/unsafe/flow), never written twice. Read by verify on save's
 * verified fixes (server/verify-on-save-fixes.ts) and by the VS Code client's code actions on the Verify Object and
 * debug session rejects (client/verdict-code-actions.ts).
 */
export const FIX_RULES: Readonly<Record<string, readonly string[]>> = {
  'null-deref': ['null-check'],
  'packet-bounds': ['packet-bounds'],
  'unreleased-ref': ['reference-leak'],
  'map-value-bounds': ['variable-offset'],
  'unbounded-access': ['variable-offset'],
  'negative-index': ['variable-offset'],
  'uninit-stack': ['uninit-stack-helper'],
};
