import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXPLANATION_IDS } from '../verifier-log/explanations';
import type { ObjectReport } from './report';
import type { CausalStep } from '../verifier-log/causal/causal-path';

/** The causal path as one SARIF thread flow, origin first: each step a location with its role and words. */
function codeFlows(steps: CausalStep[], uri: (file: string) => string): { codeFlows?: object[] } {
  const located = steps.filter((s) => s.file && s.line !== null);
  if (located.length === 0) return {};
  return {
    codeFlows: [{
      threadFlows: [{
        locations: located.map((s) => ({
          location: {
            physicalLocation: { artifactLocation: { uri: uri(s.file!) }, region: { startLine: s.line, ...(s.column ? { startColumn: s.column } : {}) } },
            message: { text: `${s.role}: ${s.detail}` },
          },
          kinds: [s.role],
          properties: { insn: s.insn },
        })),
      }],
    }],
  };
}

/** SARIF 2.1.0 for code-scanning UIs: each reject (and each program that failed to load) is a result at its source line. */
export function toSarif(reports: ObjectReport[], toolVersion: string, baseDir = process.cwd()): object {
  const results = [];
  const uri = (file: string) => (path.isAbsolute(file) && !path.relative(baseDir, file).startsWith('..')
    ? path.relative(baseDir, file).split(path.sep).join('/') : pathToFileURL(path.resolve(baseDir, file)).href);
  for (const report of reports) {
    for (const p of report.programs) {
      if (p.verdict === 'accepted') continue;
      const ruleId = p.verdict === 'rejected' ? `verifier/${p.explanation?.id ?? 'reject'}` : 'loader/error';
      const text = [`${p.name} (${p.section ?? '?'}): ${p.verdict}${p.errnoName ? ` with ${p.errnoName}` : ''}`, p.message ?? '',
        p.explanation ? `${p.explanation.title}. Fix: ${p.explanation.fix}` : ''].filter(Boolean).join('\n');
      const file = p.location?.file ?? report.source ?? report.object;
      results.push({
        ruleId,
        level: 'error',
        message: { text },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: uri(file) },
            ...(p.location ? { region: { startLine: p.location.line, ...(p.location.column ? { startColumn: p.location.column } : {}) } } : {}),
          },
          logicalLocations: [{ name: p.name, kind: 'function' }],
        }],
        ...codeFlows(p.causalPath ?? [], uri),
        properties: { object: report.object, program: p.name, errno: p.errno, insn: p.insn, kernel: report.kernel },
      });
    }
  }
  const rules = [
    ...EXPLANATION_IDS.map((id) => ({ id: `verifier/${id}`, shortDescription: { text: `Verifier reject: ${id}` } })),
    { id: 'verifier/reject', shortDescription: { text: 'Verifier reject (message without an explanation yet)' } },
    { id: 'loader/error', shortDescription: { text: 'The program could not be loaded (libbpf or privileges), before or instead of verification' } },
  ];
  return sarifLog(toolVersion, rules, results);
}

/** The SARIF 2.1.0 document around one run of ebpf-debugger. */
export function sarifLog(toolVersion: string, rules: object[], results: object[]): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'ebpf-debugger', version: toolVersion, rules } }, results }],
  };
}
