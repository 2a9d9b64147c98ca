import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { EbpfError, isEbpfError } from '../core/errors';
import { CAPABILITY_SETS, isCapabilitySet } from '../core/loader/capabilities';
import { vmAccelRequest } from '../core/kernel-matrix/accel';
import { HelperClient } from '../core/loader/helper-client';
import type { ObjectReport } from '../core/verify/report';
import { toSarif } from '../core/verify/sarif';
import { verifyObject } from '../core/verify/verify-object';
import { TOOL_VERSION } from './version';
import { UsageError, parseCommandArgs } from './args';
import { formatHuman } from './format-human';
import { runVerifyKernels } from './verify-kernels';

/** A directory stands for the sources in it (`*.bpf.c`), or its objects when it has no sources. */
export function expandInputs(inputs: string[]): string[] {
  const out: string[] = [];
  for (const input of inputs) {
    const abs = path.resolve(input);
    if (existsSync(abs) && statSync(abs).isDirectory()) {
      const names = readdirSync(abs).sort();
      const sources = names.filter((n) => n.endsWith('.bpf.c'));
      const objects = names.filter((n) => n.endsWith('.bpf.o'));
      const picked = sources.length > 0 ? sources : objects;
      if (picked.length === 0) throw new EbpfError('usage', `${abs} holds no *.bpf.c source or *.bpf.o object.`);
      out.push(...picked.map((n) => path.join(abs, n)));
    } else {
      out.push(abs);
    }
  }
  return out;
}

/**
 * `--cflags "-DX -O1"` as --help shows it: the value starts with a dash, which parseArgs refuses as a separate
 * argument, so it is glued on (`--cflags=-DX -O1`) before parsing.
 */
export function glueCflags(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--cflags' && i + 1 < argv.length) out.push(`--cflags=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
}

export async function runVerify(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(glueCflags(argv), {
    program: { type: 'string' },
    'log-level': { type: 'string' },
    json: { type: 'boolean', default: false },
    sarif: { type: 'boolean', default: false },
    cflags: { type: 'string' },
    capabilities: { type: 'string' },
    timeout: { type: 'string' },
    kernel: { type: 'string', multiple: true },
    'vm-timeout': { type: 'string' },
    'vm-accel': { type: 'string' },
  });
  if (positionals.length === 0) throw new UsageError('name an object (.o), a source (.bpf.c) or a directory.');
  if (values.json && values.sarif) throw new UsageError('choose one of --json and --sarif.');
  const logLevel = values['log-level'] !== undefined ? Number(values['log-level']) : undefined;
  if (logLevel !== undefined && (!Number.isInteger(logLevel) || logLevel < 1 || logLevel > 7)) {
    throw new UsageError(`--log-level must be 1..7 (1 = failing path, 2 = everything, 4 = stats), not '${values['log-level']}'.`);
  }
  const capabilities = values.capabilities ?? 'full';
  if (!isCapabilitySet(capabilities)) throw new UsageError(`--capabilities must be one of ${Object.keys(CAPABILITY_SETS).join(', ')}, not '${capabilities}'.`);
  const timeout = values.timeout !== undefined ? Number(values.timeout) : undefined;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) throw new UsageError(`--timeout must be a number of seconds above 0, not '${values.timeout}'.`);
  const loader = new HelperClient({ capabilities, timeoutMs: timeout !== undefined ? timeout * 1000 : undefined });
  if (values.kernel) {
    // --kernel host|6.1|...: the kernel matrix (cli/verify-kernels.ts); the helper only starts if host is asked for
    const vmTimeout = values['vm-timeout'] !== undefined ? Number(values['vm-timeout']) : undefined;
    if (vmTimeout !== undefined && !(Number.isFinite(vmTimeout) && vmTimeout > 0)) throw new UsageError(`--vm-timeout must be a number of seconds above 0, not '${values['vm-timeout']}'.`);
    let vmAccel;
    try {
      vmAccel = vmAccelRequest(values['vm-accel']); // else EBPF_DEBUGGER_VM_ACCEL, else auto
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const build = values.cflags ? { extraArgs: values.cflags.split(/\s+/).filter(Boolean) } : undefined;
    try {
      return await runVerifyKernels(values.kernel, () => expandInputs(positionals), { programName: values.program, logLevel, build, loader, vmTimeoutMs: vmTimeout !== undefined ? vmTimeout * 1000 : undefined, vmAccel }, { json: values.json, sarif: values.sarif });
    } finally {
      await loader.close();
    }
  }
  const reports: ObjectReport[] = [];
  let exit = 0;
  try {
    for (const input of expandInputs(positionals)) {
      const run = await verifyObject(loader, input, {
        programName: values.program,
        logLevel,
        build: values.cflags ? { extraArgs: values.cflags.split(/\s+/).filter(Boolean) } : undefined,
      });
      reports.push(run.report);
      if (run.report.programs.some((p) => p.verdict !== 'accepted')) exit = 1;
      if (!values.json && !values.sarif) process.stdout.write(formatHuman(run.report) + '\n\n');
    }
  } catch (e) {
    if (!isEbpfError(e)) throw e;
    process.stderr.write(`ebpf-debugger: ${e.message}\n`);
    // --json prints JSON whatever happens: the reports so far and what stopped the run
    if (values.json) process.stdout.write(JSON.stringify({ error: { kind: e.code, message: e.message }, reports }, null, 2) + '\n');
    return 2;
  } finally {
    await loader.close();
  }
  if (values.json) process.stdout.write(JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2) + '\n');
  if (values.sarif) process.stdout.write(JSON.stringify(toSarif(reports, TOOL_VERSION), null, 2) + '\n');
  return exit;
}
