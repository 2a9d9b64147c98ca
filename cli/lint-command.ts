import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SourceAnalyzer } from '../core/analyze/analyze-source';
import { readKernelFacts } from '../core/analyze/kernel-facts';
import { parseSeverityOverride, type RuleLevel, type SeverityOverrides } from '../core/rules/unsafe/lint-controls';
import { unsafeRules } from '../core/rules/unsafe/registry';
import { findCSources } from '../core/analyze/workspace-files';
import { applyEdits, SourceText, type TextEdit } from '../core/fixes/text-edit';
import type { Finding } from '../core/rules/finding';
import type { Range } from '../core/source/range';
import type { SourceLanguage } from '../core/source/tree-sitter';
import { sarifLog } from '../core/verify/sarif';
import { DEFINE_OPTION, parseCommandArgs, parseDefines, UsageError } from './args';
import { TOOL_VERSION } from './version';

export interface FileFinding {
  rule: string;
  severity: Finding['severity'];
  file: string;
  /** 1-based, like compilers print them. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

export function languageOfFile(file: string): SourceLanguage | null {
  if (/\.(c|h)$/.test(file)) return 'c';
  if (file.endsWith('.go')) return 'go';
  return null;
}

/** One linted source: its text and its findings (with their fixes). */
export interface LintedFile {
  file: string;
  text: string;
  findings: Finding[];
}

/**
 * An analyzer for the CLI: quoted includes are looked for beside the including file, in the `-I` directories, then
 * among the headers under the current directory (as the editor looks in the workspace).
 */
export function cliAnalyzer(includeDirs: string[] = [], defines: [string, string][] = []): SourceAnalyzer {
  const analyzer = new SourceAnalyzer();
  // scanned once per run (`lint --fix` analyses twice)
  cwdHeaders ??= findCSources([process.cwd()], 2000).filter((f) => f.endsWith('.h'));
  analyzer.setIncludeSearch({ includeDirs, workspaceHeaders: cwdHeaders, defines });
  return analyzer;
}
let cwdHeaders: string[] | undefined;

/** `-I DIR` / `--include-dir DIR`, as clang takes them (repeatable). */
export const INCLUDE_DIR_OPTION = { 'include-dir': { type: 'string', short: 'I', multiple: true } } as const;

/**
 * Lint sources together: the C structs of the C files are learnt first (Go types are compared with them), then the Go
 * files are analysed (which fills the analyzer's goMirrors), then the C files (whose advice depends on whether a Go
 * type mirrors the struct). Results keep the order the files were named in.
 */
export async function lintSources(files: string[], includeDirs: string[] = [], defines: [string, string][] = [],
  severity: SeverityOverrides = {}): Promise<LintedFile[]> {
  const analyzer = cliAnalyzer(includeDirs, defines);
  analyzer.severityOverrides = severity;
  analyzer.kernel = readKernelFacts() ?? undefined; // attach-target: what this kernel has (read only if a file asks)
  const sources = files.map((file) => {
    const lang = languageOfFile(file);
    if (!lang) throw new UsageError(`${file}: lint reads C (.c, .h) and Go (.go) sources.`);
    try {
      return { file, lang, text: readFileSync(file, 'utf8') };
    } catch (e) {
      throw new UsageError(`${file}: ${(e as Error).message}`);
    }
  });
  for (const s of sources) if (s.lang === 'c') await analyzer.learnC(s.text, s.file);
  const findings = new Map<string, Finding[]>();
  for (const lang of ['go', 'c'] as const) {
    for (const s of sources) if (s.lang === lang) findings.set(s.file, (await analyzer.analyze(lang, s.text, { file: s.file })).findings);
  }
  return sources.map((s) => ({ file: path.resolve(s.file), text: s.text, findings: findings.get(s.file) ?? [] }));
}

const fileFinding = (file: string, f: Finding): FileFinding => ({ rule: f.rule, severity: f.severity, file, line: f.range.start.line + 1,
  column: f.range.start.character + 1, endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1, message: f.message });

const region = (r: Range) => ({ startLine: r.start.line + 1, startColumn: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 });
const relative = (file: string) => path.relative(process.cwd(), file).split(path.sep).join('/');

function sarif(linted: LintedFile[]): object {
  const described = new Map(unsafeRules().map((r) => [r.id, r.description]));
  const rules = [...new Set(linted.flatMap((l) => l.findings.map((f) => f.rule)))]
    .map((id) => (described.has(id) ? { id, shortDescription: { text: described.get(id)! } } : { id }));
  return sarifLog(TOOL_VERSION, rules, linted.flatMap((l) => l.findings.map((f) => {
    const fixes = f.fixes?.() ?? [];
    return {
      ruleId: f.rule, level: f.severity === 'info' ? 'note' : f.severity, message: { text: f.message },
      locations: [{ physicalLocation: { artifactLocation: { uri: relative(l.file) }, region: region(f.range) } }],
      ...(fixes.length > 0 ? { fixes: fixes.map((x) => ({ description: { text: x.title }, artifactChanges: [{ artifactLocation: { uri: relative(l.file) },
        replacements: x.edits.map((e) => ({ deletedRegion: region(e.range), insertedContent: { text: e.newText } })) }] })) } : {}),
    };
  })));
}

/** Apply each finding's preferred fix (the first when none is preferred), skipping fixes that overlap one already taken. */
function fixFile(l: LintedFile): string[] {
  const src = new SourceText(l.text);
  const taken: [number, number][] = [];
  const edits: TextEdit[] = [];
  const titles: string[] = [];
  for (const f of l.findings) {
    const fixes = f.fixes?.() ?? [];
    const fix = fixes.find((x) => x.preferred) ?? fixes[0];
    if (!fix) continue;
    const spans = fix.edits.map((e): [number, number] => [src.offsetAt(e.range.start), src.offsetAt(e.range.end)]);
    if (spans.some(([a, b]) => taken.some(([c, d]) => a <= d && c <= b))) continue;
    taken.push(...spans);
    edits.push(...fix.edits);
    titles.push(`${relative(l.file)}:${f.range.start.line + 1}: ${fix.title} [${f.rule}]`);
  }
  if (edits.length > 0) writeFileSync(l.file, applyEdits(l.text, edits));
  return titles;
}

/** `--severity RULE=LEVEL` (repeatable): a rule's level for this run (off, info, warning, error). */
function severityOverrides(args: string[]): SeverityOverrides {
  const out: Record<string, RuleLevel> = {};
  for (const arg of args) {
    try {
      const [rule, level] = parseSeverityOverride(arg);
      out[rule] = level;
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  return out;
}

/** `ebpf-debugger lint <files...> [--json | --sarif] [--fix] [--severity RULE=LEVEL]... [-I DIR]... [-D NAME[=VALUE]]...`: the language server's rules, for CI. Exit 1 on any warning or error. */
export async function runLint(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean', default: false }, sarif: { type: 'boolean', default: false },
    fix: { type: 'boolean', default: false }, severity: { type: 'string', multiple: true }, ...INCLUDE_DIR_OPTION, ...DEFINE_OPTION });
  const includeDirs = values['include-dir'] ?? [];
  const defines = parseDefines(values.define);
  const severity = severityOverrides(values.severity ?? []);
  if (positionals.length === 0) throw new UsageError('name the sources to lint.');
  if (values.json && values.sarif) throw new UsageError('choose one of --json and --sarif.');
  let linted = await lintSources(positionals, includeDirs, defines, severity);
  if (values.fix) {
    const fixed = linted.flatMap(fixFile);
    for (const line of fixed) process.stderr.write(`fixed ${line}\n`);
    if (fixed.length > 0) linted = await lintSources(positionals, includeDirs, defines, severity); // report what is left
  }
  const findings = linted.flatMap((l) => l.findings.map((f) => fileFinding(l.file, f)));
  if (values.json) process.stdout.write(JSON.stringify({ findings }, null, 2) + '\n');
  else if (values.sarif) process.stdout.write(JSON.stringify(sarif(linted), null, 2) + '\n');
  else for (const f of findings) process.stdout.write(`${relative(f.file)}:${f.line}:${f.column}: ${f.severity}: ${f.message} [${f.rule}]\n`);
  return findings.some((f) => f.severity !== 'info') ? 1 : 0;
}
