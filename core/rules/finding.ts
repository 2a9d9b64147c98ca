import type { Fix } from '../fixes/text-edit';
import type { Range } from '../source/range';

export type Severity = 'error' | 'warning' | 'info';

/** One lint result, independent of any host: the LSP turns it into a Diagnostic, the CLI into JSON/SARIF. */
export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  range: Range;
  /** Other places that explain the finding (e.g. the map that uses the struct). */
  related?: { message: string; range: Range }[];
  /** Quick fixes, computed when asked for (a light bulb, `lint --fix`), not for every finding of every edit. */
  fixes?: () => Fix[];
}
