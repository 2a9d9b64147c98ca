import { execFileSync } from 'node:child_process';

/** Programs and maps the kernel holds right now (bpftool's view), to prove a test leaves nothing behind. */
export function kernelObjects(): { progs: string[]; maps: string[] } {
  const show = (what: 'prog' | 'map') =>
    (JSON.parse(execFileSync('bpftool', ['-j', what, 'show'], { encoding: 'utf8' })) as { id: number; name?: string }[])
      .map((o) => `${o.id}:${o.name ?? ''}`);
  return { progs: show('prog'), maps: show('map') };
}
