/**
 * The VSIX as `npm run package` builds it (CI runs this file in the e2e tier; the e2e installs its own package of
 * the same tree): the bundles, koffi's natives for linux-x64 and linux-arm64 and no other platform, the bundled
 * libbpf, nothing from tests or dev dependencies; and unpacked alone it verifies a program in the real kernel.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import yauzl from 'yauzl';
import { compareVersions } from '../../core/util/version';
import { DIST, EXAMPLES, REPO } from '../support/paths';

const VSIX = path.join(DIST, 'ebpf-debugger.vsix');
const BUILT_LIBBPF = process.env.EBPF_LIBBPF_DIR || '/var/cache/ebpf-debugger/libbpf';
const EM_X86_64 = 62;
const EM_AARCH64 = 183;

/** What may be in the VSIX at all; anything else is junk that slipped past .vscodeignore. */
const ALLOWED = [
  /^extension\.vsixmanifest$/, /^\[Content_Types\]\.xml$/,
  /^extension\/(package\.json|readme\.md|changelog\.md|LICENSE\.txt|language-configuration\.json)$/,
  /^extension\/dist\/[^/]+\.(js|wasm)$/, /^extension\/dist\/libbpf\/[\d.]+\/(libbpf\.so\.1|LICENSE[^/]*)$/,
  /^extension\/syntaxes\/[^/]+\.json$/, /^extension\/media\/[^/]+\.svg$/, /^extension\/docs\/screenshots\/[^/]+\.png$/,
  /^extension\/node_modules\/koffi\/(package\.json|index\.cjs|src\/koffi\/index\.cjs|src\/koffi\/src\/[^/]+\.cjs)$/,
  /^extension\/node_modules\/@koromix\/koffi-linux-(x64|arm64)\/(package\.json|index\.js|README\.md|(linux|musl)_(x64|arm64)\/koffi\.node)$/,
];

interface VsixEntry { name: string; size: number; bytes: Buffer }

/** Every entry of the VSIX with its bytes, read by yauzl (vsce's own zip reader); the VSIX is a few MiB. */
async function unzip(file: string): Promise<VsixEntry[]> {
  const zip = await yauzl.openPromise(file);
  const entries: VsixEntry[] = [];
  for await (const e of zip.eachEntry()) {
    entries.push({ name: e.fileName, size: e.uncompressedSize, bytes: await buffer(await zip.openReadStreamPromise(e)) });
  }
  return entries;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const isPng = (entry: VsixEntry) => entry.bytes.subarray(0, 8).equals(PNG_SIGNATURE);

function elfMachine(entry: VsixEntry): number {
  const { bytes } = entry;
  assert.equal(bytes.toString('latin1', 0, 4), '\x7fELF', `${entry.name} is an ELF file`);
  return bytes.readUInt16LE(18);
}

describe('the VSIX (npm run package)', { timeout: 300_000 }, () => {
  let entries: VsixEntry[];
  const names = () => entries.map((e) => e.name);
  const entry = (name: string) => {
    const found = entries.find((e) => e.name === name);
    assert.ok(found, `${name} is in the VSIX`);
    return found;
  };
  let unpacked: string | undefined;

  before(async () => {
    rmSync(VSIX, { force: true });
    const r = spawnSync('npm', ['run', '--silent', 'package'], { cwd: REPO, encoding: 'utf8' });
    assert.equal(r.status, 0, `npm run package failed:\n${r.stdout}\n${r.stderr}`);
    entries = await unzip(VSIX);
  });
  after(() => { if (unpacked) rmSync(unpacked, { recursive: true, force: true }); });

  it('carries every bundle and WASM file of dist/, the grammar, the icons and the manifest', () => {
    const built = readdirSync(DIST).filter((f) => f.endsWith('.js') || f.endsWith('.wasm'));
    for (const f of ['extension.js', 'server.js', 'adapter.js', 'helper.js', 'cli.js']) assert.ok(built.includes(f), `dist/${f} was built`);
    for (const f of built) entry(`extension/dist/${f}`);
    const manifest = JSON.parse(entry('extension/package.json').bytes.toString('utf8'));
    entry(`extension/${path.normalize(manifest.main)}`);
    for (const g of manifest.contributes.grammars) entry(`extension/${path.normalize(g.path)}`);
    // every icon file the manifest names (view containers, views; codicons like $(debug-alt) are VS Code's)
    const icons = JSON.stringify(manifest.contributes).match(/"icon":"[^"$][^"]*"/g) ?? [];
    assert.ok(icons.length > 0, 'the manifest names an icon file');
    for (const icon of icons) entry(`extension/${path.normalize(icon.slice(8, -1))}`);
    entry('extension/changelog.md');
  });

  it('carries the images its README shows, and the README links them relatively', () => {
    const readme = entry('extension/readme.md').bytes.toString('utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]);
    assert.ok(images.length > 0, 'the README shows screenshots');
    for (const image of images) {
      assert.doesNotMatch(image, /^\w+:/, `${image} is relative (the extension page resolves it inside the VSIX)`);
      assert.ok(isPng(entry(`extension/${path.posix.normalize(image)}`)), `${image} is a PNG`);
    }
  });

  it('carries koffi with its linux-x64 and linux-arm64 natives, and no other platform', () => {
    const platforms = new Set(names().map((n) => /^extension\/node_modules\/@koromix\/koffi-([^/]+)\//.exec(n)?.[1]).filter(Boolean));
    assert.deepEqual([...platforms].sort(), ['linux-arm64', 'linux-x64']);
    assert.equal(elfMachine(entry('extension/node_modules/@koromix/koffi-linux-x64/linux_x64/koffi.node')), EM_X86_64);
    assert.equal(elfMachine(entry('extension/node_modules/@koromix/koffi-linux-arm64/linux_arm64/koffi.node')), EM_AARCH64);
    entry('extension/node_modules/koffi/index.cjs');
  });

  it('carries the newest libbpf scripts/build-libbpf.sh built, with its licence', (t) => {
    const versions = existsSync(BUILT_LIBBPF) ? readdirSync(BUILT_LIBBPF).filter((v) => existsSync(path.join(BUILT_LIBBPF, v, 'libbpf.so.1'))) : [];
    const bundled = names().filter((n) => n.startsWith('extension/dist/libbpf/'));
    if (versions.length === 0) {
      assert.deepEqual(bundled, [], 'no libbpf was built, so none is bundled');
      t.skip(`no libbpf built under ${BUILT_LIBBPF} (scripts/build-libbpf.sh): the VSIX uses the system's`);
      return;
    }
    const newest = versions.sort((a, b) => compareVersions(b, a))[0];
    assert.equal(elfMachine(entry(`extension/dist/libbpf/${newest}/libbpf.so.1`)), process.arch === 'arm64' ? EM_AARCH64 : EM_X86_64);
    assert.ok(bundled.some((n) => /\/LICENSE/.test(n)), `a licence file next to libbpf ${newest}`);
  });

  it('carries nothing else: no tests, sources, source maps or dev dependencies, and stays small', () => {
    const junk = names().filter((n) => !ALLOWED.some((re) => re.test(n)));
    assert.deepEqual(junk, []);
    const total = entries.reduce((sum, e) => sum + e.size, 0);
    assert.ok(total < 16 * 1024 * 1024, `unpacked size ${total} bytes`);
  });

  it('unpacked on its own, its CLI verifies null_deref in the kernel with the VSIX\'s koffi and helper', () => {
    unpacked = mkdtempSync(path.join(os.tmpdir(), 'ebpf-vsix-'));
    for (const e of entries.filter((x) => x.name.startsWith('extension/') && !x.name.endsWith('/'))) {
      const to = path.join(unpacked, e.name);
      mkdirSync(path.dirname(to), { recursive: true });
      writeFileSync(to, e.bytes);
    }
    // outside the repository, so node finds koffi only in the VSIX's node_modules
    const source = path.join(unpacked, 'null_deref.bpf.c');
    copyFileSync(path.join(EXAMPLES, 'null_deref.bpf.c'), source);
    const r = spawnSync(process.execPath, [path.join(unpacked, 'extension', 'dist', 'cli.js'), 'verify', source], { cwd: unpacked, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 1, `exit 1 (a reject) expected:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout + r.stderr, /invalid mem access 'map_value_or_null'/);
    assert.doesNotMatch(r.stderr, /Cannot find module|koffi/i);
  });
});
