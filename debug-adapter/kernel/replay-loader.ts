/**
 * A loader that answers from saved logs instead of the kernel: for tests of the parser and the debugger UI only.
 * The directory holds `<program>.log` (the verifier's log) and `<program>.json` ({ "errno": 13 }); the object
 * itself is read for its programs, as libbpf would list them.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EbpfError } from '../../core/errors';
import type { Loader, VerifyOutcome } from '../../core/loader/loader';
import type { HelloResult, ListResult, VerifyParams } from '../../core/loader/protocol';
import { readBpfObject } from '../../core/source-map/bpf-object';

export class ReplayLoader implements Loader {
  constructor(private readonly dir: string) {}

  async hello(): Promise<HelloResult> {
    return { kernel: `replay of ${this.dir}`, libbpf: 'replay', uid: process.getuid?.() ?? -1, capEff: '', pid: process.pid };
  }

  async list(objectPath: string): Promise<ListResult> {
    const obj = readBpfObject(readFileSync(objectPath));
    return {
      programs: obj.programs.map((p) => ({ name: p.name, section: p.section.name, insnCount: p.insnCount })),
      maps: [],
    };
  }

  async verify(params: VerifyParams, onLog?: (chunk: Buffer) => void): Promise<VerifyOutcome> {
    const logFile = path.join(this.dir, `${params.program}.log`);
    if (!existsSync(logFile)) throw new EbpfError('program-not-found', `No saved log for '${params.program}' in ${this.dir}.`);
    const log = readFileSync(logFile);
    const meta = JSON.parse(readFileSync(path.join(this.dir, `${params.program}.json`), 'utf8')) as { errno: number; section?: string };
    onLog?.(log);
    // the object knows the section (the program type's advice depends on it) when the saved log does not say
    const section = meta.section ?? readBpfObject(readFileSync(params.path)).programs.find((p) => p.name === params.program)?.section.name ?? '';
    return { program: params.program, section, errno: meta.errno, logBytes: log.length, libbpf: [], loadUs: 0, log: [log] };
  }

  async close(): Promise<void> {}
}
