import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-protocol';
import type { Finding, Severity } from '../core/rules/finding';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function toDiagnostic(f: Finding, uri: string): Diagnostic {
  return {
    range: f.range,
    severity: SEVERITY[f.severity],
    source: 'ebpf',
    code: f.rule,
    message: f.message,
    relatedInformation: f.related?.map((r) => ({ location: { uri, range: r.range }, message: r.message })),
  };
}
