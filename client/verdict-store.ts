/**
 * Every verdict the editor has heard of, from the Verify commands, debug sessions and verify on save, kept per
 * (unit, program, kernel, origin). A unit is the C source an object was built from, or the object itself: the
 * same .bpf.c verified by the command and by verify on save is one unit even though each builds its own object.
 *
 * A newer verdict for the same (unit, program, kernel) supersedes the older ones of every origin, so fixing a bug
 * and saving clears the reject the Verify command found; verdicts of other programs, files or kernels never do.
 * Problems entries, the results view and the verdict code lenses all read from here.
 */
import * as vscode from 'vscode';
import { HOST_KERNEL, type VerdictOrigin } from '../core/editor-events';
import type { ObjectReport, ProgramReport } from '../core/verify/report';

export interface VerdictEntry {
  origin: VerdictOrigin;
  /** `report.source ?? report.object`. */
  unit: string;
  program: ProgramReport;
  /** The kernel as the user named it: "host", "6.1". */
  kernel: string;
  /** The whole report the program came from (object path, kernel release, libbpf, loader). */
  report: ObjectReport;
  /** When it was recorded (ms since the epoch); newest wins. */
  at: number;
}

export interface VerdictChange {
  /** The units whose entries changed. */
  units: string[];
}

const keyOf = (unit: string, program: string, kernel: string): string => `${unit}\0${program}\0${kernel}`;

const unitOf = (report: ObjectReport): string => report.source ?? report.object;

export class VerdictStore implements vscode.Disposable {
  /** (unit, program, kernel) to its newest entry, whichever origin produced it. */
  private readonly byKey = new Map<string, VerdictEntry>();
  private readonly changed = new vscode.EventEmitter<VerdictChange>();
  readonly onDidChange = this.changed.event;

  /** Records every program of `report`; older verdicts of the same programs (any origin) are dropped. */
  record(origin: VerdictOrigin, report: ObjectReport, kernel: string = HOST_KERNEL): void {
    const unit = unitOf(report);
    const at = Date.now();
    for (const program of report.programs) {
      this.byKey.set(keyOf(unit, program.name, kernel), { origin, unit, program, kernel, report, at });
    }
    this.changed.fire({ units: [unit] });
  }

  /** Forgets an origin's verdicts (of one unit, or all), e.g. when the user clears them. */
  clear(origin: VerdictOrigin, unit?: string): void {
    const units = new Set<string>();
    for (const [key, e] of this.byKey) {
      if (e.origin !== origin || (unit !== undefined && e.unit !== unit)) continue;
      this.byKey.delete(key);
      units.add(e.unit);
    }
    if (units.size > 0) this.changed.fire({ units: [...units] });
  }

  /** Every current entry, oldest first. */
  all(): VerdictEntry[] {
    return [...this.byKey.values()].sort((a, b) => a.at - b.at);
  }

  /** The current entries of one origin. */
  ofOrigin(origin: VerdictOrigin): VerdictEntry[] {
    return this.all().filter((e) => e.origin === origin);
  }

  /** The newest verdict of one program on one kernel. */
  latest(unit: string, program: string, kernel: string = HOST_KERNEL): VerdictEntry | undefined {
    return this.byKey.get(keyOf(unit, program, kernel));
  }

  dispose(): void {
    this.changed.dispose();
  }
}
