/**
 * The server's side of the analysis worker: starts it when the first large document arrives, forwards requests,
 * and stops it when the last one closes (a worker's tree-sitter memory only grows: stopping it gives it back).
 */
import { Worker } from 'node:worker_threads';
import type { IncludeSearch, WorkerMessage, WorkerMethod, WorkerRequest, WorkerRequests } from './analysis-protocol';

/** The worker stopped (crashed, or out of memory) while requests were waiting on it. */
export class AnalysisWorkerError extends Error {
  constructor(reason: string) {
    super(`the eBPF analysis worker stopped (${reason}); the document is analysed again on its next edit`);
  }
}

export class OffThreadAnalyzer {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  /** The documents the worker holds. */
  private readonly documents = new Set<string>();
  private includeSearch: IncludeSearch | undefined;

  /** `script` is the bundled worker; `onStopped` hears when it stopped and its analyses are gone. */
  constructor(private readonly script: string, private readonly onStopped: () => void) {}

  has(uri: string): boolean {
    return this.documents.has(uri);
  }

  /** Take a document over (its analyses now come from the worker). */
  adopt(uri: string): void {
    this.documents.add(uri);
  }

  setIncludeSearch(search: IncludeSearch): void {
    this.includeSearch = { ...this.includeSearch, ...search };
    if (this.worker) void this.request('includeSearch', search).catch(() => undefined);
  }

  request<M extends WorkerMethod>(method: M, params: WorkerRequests[M]['params']): Promise<WorkerRequests[M]['result']> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, method, params } satisfies WorkerRequest<M>);
    });
  }

  /** Drop a document; the worker stops with the last one. */
  forget(uri: string): void {
    if (!this.documents.delete(uri) || !this.worker) return;
    if (this.documents.size > 0) void this.request('forget', { uri }).catch(() => undefined);
    else this.stop('no large document is open');
  }

  /** The documents it holds, and whether it has nothing to answer. */
  held(): Iterable<string> {
    return this.documents;
  }

  idle(): boolean {
    return this.waiting.size === 0;
  }

  /** Stop the worker (its analyses go; the documents stay held: the next request starts it again). */
  stop(reason: string): void {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    this.fail(`stopped: ${reason}`);
    this.onStopped();
    void worker.terminate();
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.unref(); // never keeps the server alive on its own
    worker.on('message', (m: WorkerMessage) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.ok) w?.resolve(m.result);
      else w?.reject(new Error(m.error));
    });
    const stopped = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.fail(reason);
      this.onStopped();
    };
    worker.on('error', (e) => stopped(e.message));
    worker.on('exit', (code) => stopped(`exit code ${code}`));
    this.worker = worker;
    if (this.includeSearch) void this.request('includeSearch', this.includeSearch).catch(() => undefined);
    return worker;
  }

  private fail(reason: string): void {
    const error = new AnalysisWorkerError(reason);
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
  }
}
