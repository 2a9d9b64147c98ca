import type { Finding, Severity } from '../finding';

/** A rule's configured level: a severity, or off. */
export type RuleLevel = Severity | 'off';
export const RULE_LEVELS: readonly RuleLevel[] = ['off', 'info', 'warning', 'error'];

/** Per-rule overrides (`ebpf.lint.severity`, `lint --severity RULE=LEVEL`), by rule id. */
export type SeverityOverrides = Readonly<Record<string, RuleLevel>>;

/**
 * `// ebpf-lint-disable-next-line RULE[, RULE] [-- reason]` and `// ebpf-lint-disable-line RULE` (also in block comments);
 * no rule named means every rule. Returns, per 0-based line, the rule ids suppressed there ('*' for all).
 */
export function suppressions(text: string): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  if (!text.includes('ebpf-lint-disable')) return out;
  const re = /(?:\/\/|\/\*)\s*ebpf-lint-disable-(next-line|line)\b([^\n]*)/g;
  for (const m of text.matchAll(re)) {
    let line = 0;
    for (let i = text.indexOf('\n'); i !== -1 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
    const target = m[1] === 'next-line' ? line + 1 : line;
    // `RULE, RULE -- why` (ESLint's convention): the reason after `--` names no rule
    const ids = m[2].replace(/\*\/.*$/, '').replace(/(^|\s)--(\s.*)?$/, '').split(/[,\s]+/).map((s) => s.trim()).filter((s) => /^[\w-]+$/.test(s));
    const set = out.get(target) ?? new Set<string>();
    for (const id of ids.length > 0 ? ids : ['*']) set.add(id);
    out.set(target, set);
  }
  return out;
}

/** The findings left after suppression comments and severity overrides; an override may raise or lower a rule. */
export function applyLintControls(findings: Finding[], text: string, overrides: SeverityOverrides = {}): Finding[] {
  const suppressed = suppressions(text);
  const out: Finding[] = [];
  for (const f of findings) {
    const s = suppressed.get(f.range.start.line);
    if (s && (s.has('*') || s.has(f.rule))) continue;
    const level = overrides[f.rule];
    if (level === 'off') continue;
    out.push(level ? { ...f, severity: level } : f);
  }
  return out;
}

/** Parse `RULE=LEVEL` (the CLI's --severity), with a message that says what to write. */
export function parseSeverityOverride(arg: string): [string, RuleLevel] {
  const m = /^([\w-]+)=(\w+)$/.exec(arg.trim());
  if (!m || !RULE_LEVELS.includes(m[2] as RuleLevel)) {
    throw new Error(`--severity takes RULE=LEVEL with LEVEL one of ${RULE_LEVELS.join(', ')} (e.g. --severity modern-hints=off), not '${arg}'.`);
  }
  return [m[1], m[2] as RuleLevel];
}
