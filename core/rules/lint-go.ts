import type { CStructIndex } from '../analyze/module-c-sources';
import { GoLayoutEngine } from '../layout/go-layout';
import type { GoFileModel, GoStructDecl } from '../source/go-model';
import { isHandleStruct, type GoCodecSite, type GoStructUse } from '../source/go-uses';
import type { Finding } from './finding';
import { checkGoCMismatch, compareWithC } from './go-c-mismatch';
import { bpf2goPrefix, pairC } from './go-c-pairing';
import { checkReflectDecode } from './go-reflect-decode';
import { checkGoStruct, layoutUnknown } from './go-struct-rules';

export interface GoLintResult {
  findings: Finding[];
  /** The C structs this file's Go types mirror (bare names), for the C rules' wording. */
  mirrors: string[];
}

/**
 * The Go rules over one file: each struct that crosses into the kernel (`uses`) or mirrors a C struct of the project
 * (`cStructs`) is laid out (or reported as `layout-unknown`), paired with its C struct and checked; then the decode
 * sites of the file (go-reflect-decode). `near` is the file's path, to choose among C structs several files define.
 */
export function lintGoModel(model: GoFileModel, uses: Map<string, GoStructUse>, sites: GoCodecSite[], cStructs: CStructIndex, near?: string): GoLintResult {
  const engine = new GoLayoutEngine(model);
  const findings: Finding[] = [];
  const mirrors: string[] = [];
  const prefix = bpf2goPrefix(model);
  for (const s of model.structs) {
    const use = uses.get(s.name);
    if (!use && isHandleStruct(s, false)) continue;
    const pairing = pairC(s, use, cStructs, near, prefix);
    if (!use && !pairing) continue;
    const out = engine.structLayout(s);
    // a type nothing hands to the kernel is a mirror only if it could be one: laid out, every field of fixed size
    // (a `Peer { Addr string; Port uint16 }` JSON type is not, whatever its names)
    if (!use && pairing?.mirrorOnly && (!out.ok || out.value.binarySize === null)) continue;
    if (pairing) mirrors.push(pairing.c.name);
    if (use?.cStruct && !pairing) findings.push(markedButUnknown(s, use.cStruct));
    if (!out.ok) {
      findings.push(layoutUnknown(s, use?.why ?? `a mirror of struct ${pairing!.c.name} (${pairing!.how})`, out.reason));
      continue;
    }
    const cmp = pairing ? compareWithC(out.value, engine.binaryFields(s, out.value), s.name, pairing.c.layout, pairing.c.name, pairing.c.union) : null;
    if (use) findings.push(...checkGoStruct(model, engine, { s, use, layout: out.value, pairing, cmp }));
    if (pairing && cmp) findings.push(...checkGoCMismatch(s, pairing, cmp));
  }
  findings.push(...checkReflectDecode(model, sites));
  return { findings, mirrors };
}

/** `//ebpf:struct name` with no such C struct to compare with: say so, so silence keeps meaning "compared". */
function markedButUnknown(s: GoStructDecl, cName: string): Finding {
  return {
    rule: 'layout-unknown', severity: 'info', range: s.nameRange,
    message: `${s.name} is marked //ebpf:struct ${cName}, but no C struct ${cName} was laid out among the C sources of this module and `
      + 'those linted with it (or several files as near define it differently), so the Go fields are not compared with it. '
      + 'Lint the C file that defines it together with this one, or check its name.',
  };
}
