import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SourceAnalyzer } from '../core/analyze/analyze-source';
import type { Finding } from '../core/rules/finding';
import type { SourceLanguage } from '../core/source/tree-sitter';
import { sarifLog } from '../core/verify/sarif';
import { UsageError, parseCommandArgs } from './args';
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

export async function lintFiles(files: string[]): Promise<FileFinding[]> {
  const analyzer = new SourceAnalyzer();
  const out: FileFinding[] = [];
  // the C structs of the C files linted together are what Go types are compared with
  for (const file of files) {
    if (languageOfFile(file) !== 'c') continue;
    try {
      await analyzer.learnC(readFileSync(file, 'utf8'), file);
    } catch {
      // unreadable: reported with its reason below
    }
  }
  for (const file of files) {
    const lang = languageOfFile(file);
    if (!lang) throw new UsageError(`${file}: lint reads C (.c, .h) and Go (.go) sources.`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new UsageError(`${file}: ${(e as Error).message}`);
    }
    const analysis = await analyzer.analyze(lang, text, { file });
    for (const f of analysis.findings) {
      out.push({ rule: f.rule, severity: f.severity, file: path.resolve(file), line: f.range.start.line + 1, column: f.range.start.character + 1,
        endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1, message: f.message });
    }
  }
  return out;
}

function sarif(findings: FileFinding[]): object {
  const rules = [...new Set(findings.map((f) => f.rule))].map((id) => ({ id }));
  return sarifLog(TOOL_VERSION, rules, findings.map((f) => ({
    ruleId: f.rule, level: f.severity === 'info' ? 'note' : f.severity, message: { text: f.message },
    locations: [{ physicalLocation: { artifactLocation: { uri: path.relative(process.cwd(), f.file).split(path.sep).join('/') },
      region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn } } }],
  })));
}

/** `ebpf-debugger lint <files...> [--json | --sarif]`: the language server's rules, for CI. Exit 1 on any warning or error. */
export async function runLint(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean', default: false }, sarif: { type: 'boolean', default: false } });
  if (positionals.length === 0) throw new UsageError('name the sources to lint.');
  if (values.json && values.sarif) throw new UsageError('choose one of --json and --sarif.');
  const findings = await lintFiles(positionals);
  if (values.json) process.stdout.write(JSON.stringify({ findings }, null, 2) + '\n');
  else if (values.sarif) process.stdout.write(JSON.stringify(sarif(findings), null, 2) + '\n');
  else for (const f of findings) process.stdout.write(`${path.relative(process.cwd(), f.file)}:${f.line}:${f.column}: ${f.severity}: ${f.message} [${f.rule}]\n`);
  return findings.some((f) => f.severity !== 'info') ? 1 : 0;
}
