/**
 * Verify on save (issue 14): a saved .bpf.c (or the sources a saved header is in) is built and every program verified
 * in the running kernel through one reused loader helper; rejects and clang's errors become diagnostics. One source is
 * worked on at a time: a newer save of it (or of a header it reads) kills clang or cancels the helper's request, and
 * the cancelled run publishes nothing, so a verdict never describes an older text than the one saved last. The fix
 * trials (verifyScratch) share the helper: a save cancels its own run's requests and its source's trials, nobody else's
 * (verify-on-save-helper.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { CompileCommands } from '../core/analyze/compile-commands';
import { buildBpfSource, BuildError } from '../core/build/clang';
import { EbpfError, isEbpfError } from '../core/errors';
import { wrapperInstalled } from '../core/loader/helper-client';
import type { VerifyStatusParams } from '../core/lsp-ext';
import type { ObjectReport, ProgramReport } from '../core/verify/report';
import { verifyObject } from '../core/verify/verify-object';
import { buildForVerify, recipeArgs } from './verify-on-save-build';
import { clangDiagnostics, verifierDiagnostics, type DiagnosticsByUri } from './verify-on-save-diagnostics';
import { SharedHelper, type HelperFactory } from './verify-on-save-helper';
import { IncluderIndex } from './verify-on-save-includers';
import { DEFAULT_VERIFY_SETTINGS, type VerifySettings } from './verify-on-save-settings';

/** How many `../` of a relative include stay inside a fix trial's private directory. */
const SCRATCH_DEPTH = 16;

export interface VerifyHost {
  /** Publish these documents' diagnostics again (the lints' merged with diagnosticsFor()). */
  publish(uris: string[]): void;
  /** A message to the user, shown once per text (a missing tool, no privileges). */
  show(kind: 'error' | 'warning' | 'info', text: string): void;
  log(text: string): void;
  status(s: VerifyStatusParams): void;
  /** A verdict with rejects was published for `source` (verified fixes are tried then). */
  rejected?(source: string): void;
  /** Each published verdict's whole report, its `source` the saved .bpf.c (the editor's verdict store: VERDICTS_NOTIFICATION). */
  verdicts?(report: ObjectReport): void;
}

/** Environment problems: each said once, not on every save. */
const ENVIRONMENT = new Set(['clang-missing', 'bpftool-missing', 'libbpf-missing', 'no-privileges', 'limit-exceeded', 'helper-failed']);

export const PRIVILEGES_MESSAGE = 'eBPF: verify on save needs root or the privileged helper, and it is off until then. ' +
  'Run `ebpf-debugger setup-privileges` to see what it installs, then `sudo ebpf-debugger setup-privileges --user $USER --install`.';

export function isBpfSourceFile(file: string): boolean {
  return file.endsWith('.bpf.c');
}

/** The last verdict of an object, kept while the object is unchanged: saving again republishes it. */
interface Verdict { key: string; diagnostics: DiagnosticsByUri; verified: number; rejected: number; report: ObjectReport }

export class VerifyOnSave {
  settings: VerifySettings = DEFAULT_VERIFY_SETTINGS;
  /** Off in an untrusted workspace (the client says so in initializationOptions). */
  trusted = true;
  workspaceRoots: string[] = [];
  /** Per source, its diagnostics by document (a reject in a header lands on the header). */
  private store = new Map<string, DiagnosticsByUri>();
  /** Per source, the files its last build read (clang's dependency file). */
  private inputs = new Map<string, string[]>();
  private verdicts = new Map<string, Verdict>();
  private pending = new Map<string, number>();
  /** Per source, the number of its saves: a run started before the latest one publishes nothing. */
  private generations = new Map<string, number>();
  private running: { source: string; controller: AbortController } | undefined;
  private draining = false;
  /** Per source, its fix trials running: a newer save of it makes their text an older one, and cancels them. */
  private trials = new Map<string, Set<AbortController>>();
  private readonly shared: SharedHelper;
  private told = new Set<string>();
  private readonly database = new CompileCommands();
  private readonly includers = new IncluderIndex();

  /** `createHelper`: how the loader helper is started (a test traces its requests). */
  constructor(private readonly host: VerifyHost, createHelper?: HelperFactory) {
    this.shared = new SharedHelper(createHelper);
  }

  /** The verifier's and clang's diagnostics for one document, over every source that was built. */
  diagnosticsFor(uri: string): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const byUri of this.store.values()) out.push(...(byUri.get(uri) ?? []));
    return out;
  }

  get enabled(): boolean {
    return this.trusted && this.settings.enabled;
  }

  configure(settings: VerifySettings): void {
    const was = this.settings;
    this.settings = settings;
    if (!this.enabled) this.clearAll();
    if (was.capabilities !== settings.capabilities) void this.shared.retire(); // the next run starts it with the new set
  }

  /** The .bpf.c sources to verify after `file` was saved: itself, or the sources whose last build read it. */
  sourcesFor(file: string): string[] {
    const abs = path.resolve(file);
    if (isBpfSourceFile(abs)) return [abs];
    const known = [...this.inputs].filter(([, inputs]) => inputs.includes(abs)).map(([s]) => s);
    if (known.length > 0 || !/\.h$/.test(abs)) return known;
    // a header saved before any includer was built: the workspace's sources that name it in an #include
    return this.includers.includersOf(this.workspaceRoots, abs, (f) => isBpfSourceFile(f) && !this.inputs.has(f));
  }

  onSave(file: string): void {
    if (!this.enabled) return;
    for (const source of this.sourcesFor(file)) {
      this.generations.set(source, (this.generations.get(source) ?? 0) + 1);
      this.pending.set(source, Date.now());
      if (this.running?.source === source) this.running.controller.abort(); // its text is not the saved one any more
      for (const trial of this.trials.get(source) ?? []) trial.abort(); // fixes of the older text
    }
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.pending.size > 0 && this.enabled) {
        const [source, savedAt] = this.pending.entries().next().value as [string, number];
        this.pending.delete(source);
        await this.run(source, savedAt);
      }
    } finally {
      this.draining = false;
    }
  }

  private canVerify(): boolean {
    if (process.getuid?.() === 0 || wrapperInstalled()) return true;
    this.tell('info', PRIVILEGES_MESSAGE);
    return false;
  }

  private async run(source: string, savedAt: number): Promise<void> {
    if (!this.canVerify()) return;
    const controller = new AbortController();
    const { signal } = controller;
    const generation = this.generations.get(source);
    // checked after every await: the abort may not have stopped clang or the helper in time
    const stale = () => signal.aborted || this.generations.get(source) !== generation;
    this.running = { source, controller };
    this.host.status({ state: 'building', source });
    try {
      const build = await buildForVerify(source, { ...this.settings, workspaceRoot: this.workspaceRoots[0] }, this.database, signal);
      this.inputs.set(source, build.inputs);
      if (stale()) return;
      const warnings = clangDiagnostics(build.warnings, source);
      const key = JSON.stringify([build.object, this.settings.logLevel, this.settings.capabilities, this.settings.acceptedSummary]);
      let verdict = this.verdicts.get(source);
      if (build.rebuilt || verdict?.key !== key) {
        this.host.status({ state: 'verifying', source });
        const run = await verifyObject(this.shared.loader(this.settings.capabilities, signal), build.object, { logLevel: this.settings.logLevel, sourceRoots: [path.dirname(source)] });
        if (stale()) return;
        const programs = run.report.programs;
        const rejected = programs.filter((p) => p.verdict !== 'accepted').length;
        // the unit is the saved source, as the Verify command's report of the same file names it
        const report = { ...run.report, source };
        verdict = { key, diagnostics: merge(verifierDiagnostics(programs, source, this.settings.acceptedSummary), warnings), verified: programs.length - rejected, rejected, report };
        this.verdicts.set(source, verdict);
      }
      if (stale()) return; // no await from here on: the diagnostics and the report are of the text saved last
      this.replace(source, verdict.diagnostics);
      // republished too: a save is newer than a Verify command's verdict of the same programs in between
      this.host.verdicts?.(verdict.report);
      const ms = Date.now() - savedAt;
      this.host.log(`eBPF: ${path.basename(source)}: ${verdict.verified} verified, ${verdict.rejected} rejected in ${ms} ms${build.rebuilt ? '' : ' (object unchanged)'}`);
      this.host.status({ state: 'done', source, verified: verdict.verified, rejected: verdict.rejected, ms });
      if (verdict.rejected > 0) this.host.rejected?.(source);
    } catch (e) {
      if (stale() || (isEbpfError(e) && e.code === 'cancelled')) return;
      this.failed(source, e);
    } finally {
      if (this.running?.controller === controller) this.running = undefined;
    }
  }

  private failed(source: string, e: unknown): void {
    this.verdicts.delete(source);
    const message = (e as Error).message;
    this.host.status({ state: 'failed', source, message });
    if (e instanceof BuildError) {
      this.replace(source, clangDiagnostics(e.diagnostics, source, message));
      return;
    }
    if (isEbpfError(e) && e.code === 'no-programs') {
      this.replace(source, new Map()); // a source being written: nothing to verify yet
      return;
    }
    if (isEbpfError(e) && ENVIRONMENT.has(e.code)) {
      if (e.code === 'no-privileges') this.tell('info', PRIVILEGES_MESSAGE);
      else this.tell(e.code === 'helper-failed' ? 'error' : 'warning', `eBPF: verify on save: ${message}`);
      return;
    }
    this.host.log(`eBPF: verify on save of ${source} failed: ${(e as Error).stack ?? message}`);
    this.tell('error', `eBPF: verify on save of ${path.basename(source)} failed: ${message}`);
  }

  /**
   * Build `text` as `source` would be built (its recipe, its directory's headers) in a scratch directory and verify
   * `program`: the user's files and objects are never touched. Null when the workspace cannot verify; 'cancelled' when
   * `source` is saved again meanwhile.
   */
  async verifyScratch(source: string, text: string, program: string): Promise<ProgramReport | null> {
    if (!this.enabled || process.getuid?.() !== 0 && !wrapperInstalled()) return null;
    const controller = new AbortController();
    const mine = this.trials.get(source) ?? new Set();
    this.trials.set(source, mine.add(controller));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-fix-'));
    try {
      // `#include "../x.h"` resolves against the copy's directory first: nested deep in our private directory, a
      // relative include finds nothing there (not a /tmp/x.h another user planted) and falls to -I the source's
      const nest = path.join(dir, ...Array<string>(SCRATCH_DEPTH).fill('d'));
      mkdirSync(nest, { recursive: true });
      const scratch = path.join(nest, path.basename(source));
      writeFileSync(scratch, text);
      const extra = ['-I', path.dirname(source), ...recipeArgs(source, { ...this.settings, workspaceRoot: this.workspaceRoots[0] }, this.database)];
      const built = await buildBpfSource(scratch, { clang: this.settings.clang, bpftool: this.settings.bpftool, extraArgs: extra, outDir: dir, signal: controller.signal });
      const run = await verifyObject(this.shared.loader(this.settings.capabilities, controller.signal), built.object, { programName: program, logLevel: this.settings.logLevel });
      // the helper may have finished the load before the cancel reached it: the verdict is still of an older text
      if (controller.signal.aborted) throw new EbpfError('cancelled', 'A newer save of the source cancelled this fix trial.');
      return run.report.programs[0] ?? null;
    } finally {
      mine.delete(controller);
      if (mine.size === 0 && this.trials.get(source) === mine) this.trials.delete(source);
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private replace(source: string, next: DiagnosticsByUri): void {
    const before = [...(this.store.get(source)?.keys() ?? [])];
    this.store.set(source, next);
    // the source itself always: an editor sees the verdict arrive even when it has nothing to say
    this.host.publish([...new Set([pathToFileURL(source).href, ...before, ...next.keys()])]);
  }

  private abortAll(): void {
    this.running?.controller.abort();
    for (const trials of this.trials.values()) for (const trial of trials) trial.abort();
  }

  private clearAll(): void {
    this.abortAll();
    this.pending.clear();
    const uris = [...this.store.values()].flatMap((m) => [...m.keys()]);
    this.store.clear();
    if (uris.length > 0) this.host.publish([...new Set(uris)]);
  }

  private tell(kind: 'error' | 'warning' | 'info', text: string): void {
    if (this.told.has(text)) return;
    this.told.add(text);
    this.host.show(kind, text);
  }

  async close(): Promise<void> {
    this.abortAll();
    await this.shared.close();
  }
}

function merge(a: DiagnosticsByUri, b: DiagnosticsByUri): DiagnosticsByUri {
  const out: DiagnosticsByUri = new Map(a);
  for (const [uri, list] of b) out.set(uri, [...(out.get(uri) ?? []), ...list]);
  return out;
}
