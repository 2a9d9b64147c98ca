/**
 * Quick fixes for the verifier's rejects (issue 14 point 6), and "verified fixes". A reject's fix is the lint quick
 * fix of the same bug at the same place (core/rules/unsafe/flow: null-check, packet-bounds, reference-leak,
 * variable-offset, uninit-stack-helper): the edits are shared, never written twice. Before a fix is offered as
 * preferred, it is applied to a scratch copy of the saved source, built and verified: one that gets the program past
 * this reject is titled "(verified by the kernel)"; one that does not is offered only as a plain suggestion.
 */
import { createHash } from 'node:crypto';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeActionKind, type CodeAction, type CodeActionParams, type Diagnostic } from 'vscode-languageserver-protocol';
import { FIX_RULES } from '../core/fixes/reject-fix-rules';
import type { Fix } from '../core/fixes/text-edit';
import type { Finding } from '../core/rules/finding';
import type { ProgramReport } from '../core/verify/report';
import { VERIFIER_SOURCE } from './verify-on-save-diagnostics';

export const VERIFIED_SUFFIX = ' (verified by the kernel)';

/** What verifierDiagnostics() leaves on a reject: the program, for verifying a fix of it. */
export interface RejectData { program: string; explanation: string | null }

export interface Candidate { diagnostic: Diagnostic; finding: Finding; fix: Fix }

const onLines = (f: Finding, lines: Set<number>) => lines.has(f.range.start.line) || (f.related ?? []).some((r) => lines.has(r.range.start.line));

/**
 * The lint fixes for the verifier's diagnostics: of the mapped rules' findings on the reject's line or one of the
 * failing path's last lines (a leak is flagged at its return, a NULL at its use: both are on the path).
 */
export function candidateFixes(uri: string, findings: Finding[], diagnostics: Diagnostic[]): Candidate[] {
  const out: Candidate[] = [];
  for (const d of diagnostics) {
    if (d.source !== VERIFIER_SOURCE) continue;
    const rules = FIX_RULES[String(d.code)];
    if (!rules) continue;
    const lines = new Set([d.range.start.line, ...(d.relatedInformation ?? []).filter((r) => r.location.uri === uri).map((r) => r.location.range.start.line)]);
    const near = findings.filter((f) => rules.includes(f.rule) && f.fixes && onLines(f, lines));
    // the one on the reject's own line first: it is the access the verifier refused
    near.sort((a, b) => Number(b.range.start.line === d.range.start.line) - Number(a.range.start.line === d.range.start.line));
    for (const finding of near.slice(0, 2)) for (const fix of finding.fixes!()) out.push({ diagnostic: d, finding, fix });
  }
  return out;
}

/**
 * Did the fix get the program past the reject: accepted, or refused for another known kind of reject. A message
 * alone would not do (its register numbers change with the code around it): "verified" must never be said wrongly.
 */
export function pastReject(before: RejectData, after: ProgramReport | null): boolean {
  if (!after) return false;
  if (after.verdict === 'accepted') return true;
  const now = after.explanation?.id;
  return after.verdict === 'rejected' && before.explanation !== null && now !== undefined && now !== before.explanation;
}

/** Builds `text` as `source` would be built and verifies `program` of it. */
export type ScratchVerifier = (source: string, text: string, program: string) => Promise<ProgramReport | null>;

/** How many fix verdicts are kept: every save of a rejected source adds its candidates' (its text is in the key). */
export const FIX_VERDICT_CAPACITY = 256;

/**
 * The kernel's verdict on each candidate fix, by the saved text, the reject and the fix: computed in the background
 * after a reject is published (one at a time, through the same helper), read when the editor asks for code actions.
 * The least recently used go beyond `capacity`; a source's go when its document closes (forget()).
 */
export class VerifiedFixes {
  /** In order of use, the oldest first (a Map keeps insertion order). */
  private verdicts = new Map<string, { source: string; verdict: boolean }>();
  /** Per source, its checks not done yet: forget() marks them, and they keep nothing. */
  private checks = new Map<string, Set<{ forgotten: boolean }>>();
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly verify: ScratchVerifier, private readonly capacity = FIX_VERDICT_CAPACITY) {}

  private key(text: string, c: Candidate): string {
    return createHash('sha256').update(JSON.stringify([text, c.diagnostic.range, c.diagnostic.message, c.fix.title, c.fix.edits])).digest('hex');
  }

  /** true: verified past the reject; false: tried, did not help; undefined: not (yet) known. */
  verdict(text: string, c: Candidate): boolean | undefined {
    const key = this.key(text, c);
    const known = this.verdicts.get(key);
    if (!known) return undefined;
    this.verdicts.delete(key); // the most recently used now
    this.verdicts.set(key, known);
    return known.verdict;
  }

  /** Drop `source`'s verdicts (its document closed), and those of its trials still running. */
  forget(source: string): void {
    for (const check of this.checks.get(source) ?? []) check.forgotten = true;
    for (const [key, v] of this.verdicts) if (v.source === source) this.verdicts.delete(key);
  }

  /** How many verdicts are kept. */
  get size(): number {
    return this.verdicts.size;
  }

  private remember(key: string, source: string, verdict: boolean): void {
    this.verdicts.delete(key);
    this.verdicts.set(key, { source, verdict });
    for (const oldest of this.verdicts.keys()) {
      if (this.verdicts.size <= this.capacity) break;
      this.verdicts.delete(oldest);
    }
  }

  /** Verify each candidate not yet known; resolves when all are. */
  check(source: string, text: string, candidates: Candidate[]): Promise<void> {
    const check = { forgotten: false };
    const mine = this.checks.get(source) ?? new Set();
    this.checks.set(source, mine.add(check));
    const run = async () => {
      for (const c of candidates) {
        if (check.forgotten) break; // its document closed
        const key = this.key(text, c);
        const data = c.diagnostic.data as RejectData | undefined;
        if (this.verdicts.has(key) || !data?.program) continue;
        const fixed = TextDocument.applyEdits(TextDocument.create('file:///scratch.bpf.c', 'c', 0, text), c.fix.edits);
        try {
          const verdict = pastReject(data, await this.verify(source, fixed, data.program));
          if (!check.forgotten) this.remember(key, source, verdict);
        } catch {
          // cancelled by a newer save, or the scratch did not build: unknown, offered as a plain suggestion
        }
      }
    };
    const done = () => {
      mine.delete(check);
      if (mine.size === 0 && this.checks.get(source) === mine) this.checks.delete(source);
    };
    this.running = this.running.then(run, run).finally(done);
    return this.running;
  }
}

/** The code actions for the verifier's diagnostics in the request: shared lint edits, titled by the kernel's verdict. */
export function verifierCodeActions(uri: string, text: string, candidates: Candidate[], verified: VerifiedFixes, params: CodeActionParams): CodeAction[] {
  const only = params.context.only;
  if (only && !only.some((k) => CodeActionKind.QuickFix.startsWith(k))) return [];
  const actions: CodeAction[] = [];
  for (const c of candidates) {
    const verdict = verified.verdict(text, c);
    if (verdict === false && !c.fix.preferred) continue; // tried and useless, and nobody's first choice: not offered
    actions.push({
      title: verdict ? c.fix.title + VERIFIED_SUFFIX : c.fix.title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [c.diagnostic],
      // the kernel's word decides; untried, the lint's own preference stands
      isPreferred: verdict ?? c.fix.preferred ?? false,
      edit: { changes: { [uri]: c.fix.edits } },
    });
  }
  return actions;
}

/**
 * The verifier's fixes and the lints' quick fixes together: where both make the same edits (the lint flagged the bug
 * the kernel refused), one action resolving both diagnostics, with the kernel's title and preference.
 */
export function mergeWithLintActions(lint: CodeAction[], verifier: CodeAction[]): CodeAction[] {
  const out = [...lint];
  for (const v of verifier) {
    const same = out.find((l) => JSON.stringify(l.edit) === JSON.stringify(v.edit));
    if (!same) {
      out.push(v);
      continue;
    }
    same.title = v.title;
    same.isPreferred = v.isPreferred;
    same.diagnostics = [...(same.diagnostics ?? []), ...(v.diagnostics ?? [])];
  }
  return out;
}

/**
 * The candidates for a document whose text is the saved one (the verdict's lines are that text's); none when it was
 * edited since the save.
 */
export function savedCandidates(uri: string, text: string, saved: string | undefined, findings: Finding[], diagnostics: Diagnostic[]): { text: string; candidates: Candidate[] } | undefined {
  if (saved !== text) return undefined;
  const candidates = candidateFixes(uri, findings, diagnostics);
  return candidates.length > 0 ? { text, candidates } : undefined;
}
