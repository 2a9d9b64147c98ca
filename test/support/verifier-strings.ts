/**
 * Extracts the line-starting message formats of the verifier (kernel/bpf/verifier.c, btf.c, log.c) from kernel
 * sources, for test/golden/verifier-line-starts.json. The sources come from Debian's linux-source-<v> packages
 * (a private APT_CONFIG, as ../shared/docs/kernel-matrix.md does; only those three files are unpacked):
 *   node --import tsx test/support/verifier-strings.ts 6.1=<dir of 6.1 sources> 7.3=<dir of 7.3 sources>
 * A format "starts a line" when it ends with \n and does not begin with a conversion, a space or a newline
 * (those continue a line another call began, like `%d: ` before a state).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const CALL = /\b(?:verbose|bpf_log|verbose_linfo|btf_verifier_log)\s*\(\s*[a-z_>.-]+\s*,\s*((?:"(?:[^"\\]|\\.)*"\s*)+)/g;

export function lineStartFormats(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(CALL)) {
    const fmt = [...m[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1]).join('');
    if (fmt.endsWith('\\n') && !/^(%|\\n| |\\t)/.test(fmt)) out.push(fmt);
  }
  return out;
}

/** A line the format prints: conversions replaced by sample values, escapes resolved. */
export function sampleLine(fmt: string): string {
  return fmt.replace(/\\n$/, '').replace(/\\t/g, '\t').replace(/\\"/g, '"').replace(/\\\\/g, '\\').replace(/%%/g, '%')
    .replace(/%[-+ #0]*\d*(?:\.\d+)?(?:hh|h|ll|l|z|j|t)?[diuxXs]|%p[KSsB]?/g, (m) => m.endsWith('s') || m.startsWith('%p') ? 'foo' : '1');
}

if (require.main === module) {
  const corpus: Record<string, string[]> = {};
  for (const arg of process.argv.slice(2)) {
    const [version, dir] = arg.split('=');
    for (const f of ['verifier.c', 'btf.c', 'log.c']) {
      let text = '';
      try {
        text = readFileSync(path.join(dir, 'kernel', 'bpf', f), 'utf8');
      } catch {
        continue;
      }
      for (const fmt of lineStartFormats(text)) {
        const versions = (corpus[fmt] ??= []);
        if (!versions.includes(version)) versions.push(version);
      }
    }
  }
  const sorted = Object.fromEntries(Object.entries(corpus).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(path.join(__dirname, '..', 'golden', 'verifier-line-starts.json'), JSON.stringify(sorted, null, 1) + '\n');
  console.log(`${Object.keys(sorted).length} formats`);
}
