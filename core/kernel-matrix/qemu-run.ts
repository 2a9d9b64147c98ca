/**
 * One boot of one kernel under qemu-system-x86_64, with the accelerator it is given (accel-boot.ts chooses: KVM where
 * it can run stock kernels, else TCG), no disk, no network, no monitor, QEMU's seccomp sandbox on; the kernel console
 * goes to one file and the guest's result to another (the second serial port), both in a private scratch directory.
 * Always under a hard timeout: a guest that hangs is killed, and says so. A KVM boot that fails because of KVM throws
 * KvmBootError, for the caller to retry under TCG.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EbpfError } from '../errors';
import { kvmFailure, KvmBootError } from './accel';

export interface BootOptions {
  vmlinux: string;
  initrd: Buffer;
  timeoutMs?: number;
  memory?: string;
  /** `kvm` only where it can run stock kernels (accel-boot.ts decides); the default is TCG. */
  accel?: 'tcg' | 'kvm';
  qemu?: string;
  /** Extra kernel parameters for /init (bpflog=, bpflogsize=). */
  append?: string[];
  /** Aborting kills the guest at once (a debug session's Stop): 'cancelled'. */
  signal?: AbortSignal;
}

export interface BootResult {
  /** What the guest wrote to ttyS1. */
  result: string;
  /** The kernel console (ttyS0): shown when the result is missing. */
  console: string;
  wallMs: number;
}

export const DEFAULT_BOOT_TIMEOUT_MS = 120_000;

export function qemuArgs(o: BootOptions, dir: string): string[] {
  const accel = o.accel === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg', '-cpu', 'max'];
  return [
    ...accel, '-M', 'pc', '-m', o.memory ?? '256M', '-smp', '1',
    '-kernel', o.vmlinux, '-initrd', path.join(dir, 'initrd.img'),
    '-append', ['console=ttyS0 panic=-1 quiet loglevel=3 rdinit=/init', ...(o.append ?? [])].join(' '),
    '-display', 'none', '-monitor', 'none', '-no-reboot', '-nodefaults', '-no-user-config', '-nic', 'none',
    '-sandbox', 'on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny',
    '-serial', `file:${path.join(dir, 'console')}`, '-serial', `file:${path.join(dir, 'result')}`,
  ];
}

export async function bootKernel(o: BootOptions): Promise<BootResult> {
  const qemu = o.qemu ?? 'qemu-system-x86_64';
  const timeoutMs = o.timeoutMs ?? DEFAULT_BOOT_TIMEOUT_MS;
  if (o.signal?.aborted) throw cancelled();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ebpf-debugger-vm-'));
  try {
    writeFileSync(path.join(dir, 'initrd.img'), o.initrd, { mode: 0o600 });
    const started = Date.now();
    const { code, signal, stderr, timedOut, spawnError } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; timedOut: boolean; spawnError?: NodeJS.ErrnoException }>((resolve) => {
      const child = spawn(qemu, qemuArgs(o, dir), { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      let timedOut = false;
      let spawnError: NodeJS.ErrnoException | undefined;
      const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
      const abort = () => child.kill('SIGKILL');
      o.signal?.addEventListener('abort', abort, { once: true });
      child.stderr.on('data', (b: Buffer) => {
        if (err.length < 16_384) err += b.toString('utf8');
        // after a KVM internal error QEMU pauses the guest and waits forever: stop it now, not at the timeout
        if (o.accel === 'kvm' && /KVM internal error/.test(err)) child.kill('SIGKILL');
      });
      child.on('error', (e: NodeJS.ErrnoException) => { spawnError = e; });
      child.on('close', (c, sig) => {
        clearTimeout(timer);
        o.signal?.removeEventListener('abort', abort);
        resolve({ code: c, signal: sig, stderr: err, timedOut, spawnError });
      });
    });
    const wallMs = Date.now() - started;
    if (o.signal?.aborted) throw cancelled();
    if (spawnError) {
      throw new EbpfError('usage', `${qemu} could not be started (${spawnError.message}).`, 'Install QEMU: apt-get install qemu-system-x86.');
    }
    const kvmReason = o.accel === 'kvm' ? kvmFailure(stderr) : null;
    if (kvmReason) throw new KvmBootError(kvmReason);
    const read = (f: string) => existsSync(path.join(dir, f)) ? readFileSync(path.join(dir, f), 'utf8') : '';
    const result = read('result');
    const consoleText = read('console');
    if (timedOut) {
      throw new EbpfError('timeout', `The VM did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped.${tail(consoleText)}`,
        'A big program verifies 7-24x slower under emulation: raise --vm-timeout.');
    }
    if (!/^=== DONE/m.test(result)) {
      throw new EbpfError('helper-failed', `The VM stopped (QEMU ${code !== null ? `exit ${code}` : `killed by ${signal}`}) before it reported a verdict.${tail(consoleText || stderr)}`);
    }
    return { result, console: consoleText, wallMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function cancelled(): EbpfError {
  return new EbpfError('cancelled', 'Cancelled: the VM was stopped before it reported a verdict.');
}

function tail(text: string): string {
  const lines = text.replace(/\r/g, '').trim().split('\n').slice(-6);
  return lines.length && lines[0] ? `\nLast lines:\n  ${lines.join('\n  ')}` : '';
}
