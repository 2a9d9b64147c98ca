/**
 * The language server's analysis worker (a worker thread, dist/analysis-worker.js): parses and lints the large C
 * documents the server hands it, keeps their analyses, and answers hovers, quick fixes and layout requests on them.
 * Requests run one at a time, in the order they came: a hover on a document waits for its analysis, and two
 * analyses never share the analyzer's per-document tree at once.
 */
import { parentPort } from 'node:worker_threads';
import { SourceAnalyzer } from '../core/analyze/analyze-source';
import { readKernelFacts } from '../core/analyze/kernel-facts';
import type { OffThreadAnalysis, WorkerMessage, WorkerMethod, WorkerRequest, WorkerRequests } from './analysis-protocol';
import { quickFixes } from './code-actions';
import { toDiagnostic } from './diagnostics';
import { layoutHover, layoutLenses, structLayoutOf, type DocumentAnalysis } from './layout-features';

const port = parentPort;
if (!port) throw new Error('analysis-worker.js runs as a worker thread of the language server');

const analyzer = new SourceAnalyzer();
analyzer.kernel = readKernelFacts() ?? undefined; // as the server's: attach-target reads the running kernel's hooks
const analyses = new Map<string, DocumentAnalysis>();
/** The newest version of each document asked for: an older analysis still queued is skipped. */
const newest = new Map<string, number>();

function analyze({ uri, version, text, file, settings }: WorkerRequests['analyze']['params']): Promise<OffThreadAnalysis> | OffThreadAnalysis {
  if ((newest.get(uri) ?? -Infinity) > version) return { diagnostics: [], lenses: [], analysed: false };
  analyzer.goMirrors.clear();
  for (const name of settings.goMirrors) analyzer.goMirrors.add(name);
  analyzer.severityOverrides = settings.severityOverrides;
  return analyzer.analyze('c', text, { file, document: uri }).then((a) => {
    analyses.set(uri, a);
    return { diagnostics: a.findings.map((f) => toDiagnostic(f, uri)), lenses: layoutLenses(a, uri), analysed: true };
  });
}

const handlers: { [M in WorkerMethod]: (p: WorkerRequests[M]['params']) => Promise<WorkerRequests[M]['result']> | WorkerRequests[M]['result'] } = {
  analyze,
  hover: ({ uri, position }) => {
    const a = analyses.get(uri);
    return a ? layoutHover(a, position) : null;
  },
  codeActions: ({ uri, params }) => {
    const a = analyses.get(uri);
    return a ? quickFixes(uri, a, params) : [];
  },
  structLayout: ({ uri, name }) => {
    const a = analyses.get(uri);
    return a ? structLayoutOf(a, name) : { error: `${uri} is not an open C document` };
  },
  forget: ({ uri }) => {
    analyses.delete(uri);
    newest.delete(uri);
    analyzer.forget(uri);
    return null;
  },
  includeSearch: (search) => {
    analyzer.setIncludeSearch(search);
    return null;
  },
};

function post(m: WorkerMessage): void {
  port!.postMessage(m);
}

let queue: Promise<unknown> = Promise.resolve();

port.on('message', (req: WorkerRequest) => {
  if (req.method === 'analyze') {
    const { uri, version } = req.params as WorkerRequests['analyze']['params'];
    newest.set(uri, Math.max(version, newest.get(uri) ?? -Infinity));
  }
  const run = async () => {
    try {
      const handler = handlers[req.method] as (p: unknown) => unknown;
      post({ id: req.id, ok: true, result: await handler(req.params) });
    } catch (e) {
      post({ id: req.id, ok: false, error: (e as Error).stack ?? String(e) });
    }
  };
  queue = queue.then(run);
});
