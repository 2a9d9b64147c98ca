import type { Finding } from '../finding';
import { unsafeRules } from './registry';
import type { UnsafeRuleContext } from './rule';

/**
 * Every unsafe-pattern rule over one file. A rule that throws is reported as one info finding at the top of the file
 * (with its message), so a bug in one rule neither hides the others' findings nor breaks the editor.
 */
export function runUnsafeRules(ctx: UnsafeRuleContext, enabled: (rule: string) => boolean = () => true): Finding[] {
  const out: Finding[] = [];
  for (const rule of unsafeRules()) {
    if (!enabled(rule.id)) continue;
    try {
      out.push(...rule.check(ctx));
    } catch (e) {
      out.push({ rule: rule.id, severity: 'info', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        message: `The ${rule.id} rule failed on this file and reported nothing: ${(e as Error).message}. Please report it with the file.` });
    }
  }
  return out;
}
