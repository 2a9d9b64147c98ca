import { attachTarget } from './attach-target';
import { flowRules } from './flow';
import { gplHelper } from './gpl-helper';
import { helperProgType } from './helper-prog-type';
import { legacyMap } from './legacy-map';
import { modernHints } from './modern-hints';
import { probeRead } from './probe-read';
import type { UnsafeRule } from './rule';
import { untypedMapMember } from './untyped-map-member';

/** The syntax-level rules (issue 13, rules 8-12). */
export const syntaxRules: UnsafeRule[] = [helperProgType, gplHelper, probeRead, legacyMap, untypedMapMember, attachTarget, modernHints];

/** Every verifier-unsafe pattern rule: these and the path-sensitive ones (flow/). */
export function unsafeRules(): UnsafeRule[] {
  return [...syntaxRules, ...flowRules];
}
