import path from 'node:path';
import { EXAMPLES } from './paths';
import { rejectMarker } from './programs';

/** What each bundled example must do on this kernel. The reject line is the one marked `BUG:` in the source. */
export const EXAMPLE_VERDICTS: Record<string, { verdict: 'accepted' | 'rejected'; errnoName?: string; message?: RegExp }> = {
  count_ok: { verdict: 'accepted' },
  padded_key: { verdict: 'accepted' },
  null_deref: { verdict: 'rejected', errnoName: 'EACCES', message: /^R0 invalid mem access 'map_value_or_null'$/ },
  packet_bounds: { verdict: 'rejected', errnoName: 'EACCES', message: /invalid access to packet[\s\S]*outside of the packet/ },
  subprog_reject: { verdict: 'rejected', errnoName: 'EACCES', message: /^R1 invalid mem access 'map_value_or_null'$/ },
};

export function examplePath(name: string): string {
  return path.join(EXAMPLES, `${name}.bpf.c`);
}

/** 1-based line of the `BUG:` marker, the line the verifier must reject. */
export function bugLine(name: string): number {
  const marker = rejectMarker(examplePath(name), name);
  if (!marker) throw new Error(`${name} has no BUG: marker`);
  return marker.line;
}
