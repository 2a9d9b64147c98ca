import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { imagePackages, parseKernelList, parseKernelSpec, pickImagePackage } from '../../core/kernel-matrix/catalogue';
import { cpioArchive } from '../../core/kernel-matrix/cpio';
import { guestPrograms, missingAttachTarget, parseGuestResult } from '../../core/kernel-matrix/guest-result';
import { aptUpdated, fetchedBytes, hostMirror, removeSeriesRoots, sourcesList } from '../../core/kernel-matrix/private-apt';
import { qemuArgs } from '../../core/kernel-matrix/qemu-run';
import { extractVmlinux } from '../../core/kernel-matrix/vmlinux-extract';
import { isEbpfError } from '../../core/errors';
import { KERNEL_MATRIX } from '../support/paths';

const NAMES = [
  'linux-image-6.1.0-47-amd64', 'linux-image-6.1.0-47-cloud-amd64', 'linux-image-6.1.0-50-cloud-amd64',
  'linux-image-6.1.0-50-cloud-amd64-dbg', 'linux-image-6.1.0-50-cloud-amd64-unsigned', 'linux-image-6.1.0-50-rt-amd64',
  'linux-image-6.1.0-9-amd64', 'linux-image-6.12.38+deb12-amd64', 'linux-image-6.1.0-50-arm64', 'linux-image-amd64',
  // 7.x: the image is a metapackage, the vmlinuz is in linux-binary-*; 6.18 still has it in the image
  'linux-image-7.3.4+deb13-cloud-amd64', 'linux-binary-7.3.4+deb13-cloud-amd64', 'linux-binary-unsigned-7.3.4+deb13-cloud-amd64',
  'linux-image-7.3.4+deb13-cloud-amd64-dbg', 'linux-binary-7.3.4+deb13-rt-amd64', 'linux-image-6.18.15+deb13-cloud-amd64',
];

describe('kernel catalogue', () => {
  it('parses host, a series and an exact ABI; refuses anything else with what to type', () => {
    assert.deepEqual(parseKernelSpec('host'), { kind: 'host' });
    assert.deepEqual(parseKernelSpec('6.1'), { kind: 'debian', series: '6.1', abi: null, text: '6.1' });
    assert.deepEqual(parseKernelSpec('6.1.0-50-cloud-amd64'), { kind: 'debian', series: '6.1', abi: '6.1.0-50', text: '6.1.0-50-cloud-amd64' });
    for (const bad of ['', 'latest', '6', '4.19', '6.1.0', '../6.1']) {
      assert.throws(() => parseKernelSpec(bad), (e: unknown) => isEbpfError(e) && e.code === 'usage' && /host|Available series/.test(e.message), bad);
    }
  });

  it('takes repeated and comma-separated --kernel values, once each, in order', () => {
    const specs = parseKernelList(['6.1,host', '6.1', ' host ', '6.12']);
    assert.deepEqual(specs.map((s) => (s.kind === 'host' ? 'host' : s.series)), ['6.1', 'host', '6.12']);
  });

  it('picks the newest cloud image of a series, or the exact ABI asked for; never -dbg, -unsigned, -rt or arm64', () => {
    assert.deepEqual(imagePackages(NAMES, '6.1').map((p) => p.name),
      ['linux-image-6.1.0-50-cloud-amd64', 'linux-image-6.1.0-47-cloud-amd64', 'linux-image-6.1.0-47-amd64', 'linux-image-6.1.0-9-amd64']);
    assert.equal(pickImagePackage(NAMES, { kind: 'debian', series: '6.1', abi: null, text: '6.1' })?.name, 'linux-image-6.1.0-50-cloud-amd64');
    assert.equal(pickImagePackage(NAMES, { kind: 'debian', series: '6.1', abi: '6.1.0-9', text: '6.1.0-9' })?.name, 'linux-image-6.1.0-9-amd64');
    assert.equal(pickImagePackage(NAMES, { kind: 'debian', series: '6.1', abi: '6.1.0-8', text: '6.1.0-8' }), null);
  });

  it('boots 7.x from its linux-binary-* package, and 6.12/6.18 from their image package', () => {
    const k73 = pickImagePackage(NAMES, parseKernelSpec('7.3') as never);
    assert.deepEqual(k73, { name: 'linux-image-7.3.4+deb13-cloud-amd64', abi: '7.3.4+deb13', flavour: 'cloud', vmlinuzPackage: 'linux-binary-7.3.4+deb13-cloud-amd64' });
    assert.equal(pickImagePackage(NAMES, parseKernelSpec('6.18') as never)?.vmlinuzPackage, 'linux-image-6.18.15+deb13-cloud-amd64');
    assert.equal(pickImagePackage(NAMES, parseKernelSpec('6.12') as never)?.vmlinuzPackage, 'linux-image-6.12.38+deb12-amd64');
    assert.deepEqual(parseKernelSpec('7.3.4+deb13-cloud-amd64'), { kind: 'debian', series: '7.3', abi: '7.3.4+deb13', text: '7.3.4+deb13-cloud-amd64' });
    assert.equal(pickImagePackage(NAMES, parseKernelSpec('7.3.4+deb13') as never)?.vmlinuzPackage, 'linux-binary-7.3.4+deb13-cloud-amd64');
  });
});

describe('private apt configuration', () => {
  it('reuses the host mirror from deb822 and one-line sources, and names -security suites under debian-security', () => {
    const etc = mkdtempSync(path.join(os.tmpdir(), 'apt-etc-'));
    mkdirSync(path.join(etc, 'sources.list.d'));
    assert.equal(hostMirror(etc), 'http://deb.debian.org/debian');
    writeFileSync(path.join(etc, 'sources.list.d', 'debian.sources'), 'Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\n');
    assert.equal(hostMirror(etc), 'http://mirror.example/debian');
    writeFileSync(path.join(etc, 'sources.list'), 'deb [arch=amd64] http://other.example/debian bookworm main\n');
    assert.equal(hostMirror(etc), 'http://other.example/debian');
    const list = sourcesList('http://m.example/debian', ['bookworm', 'bookworm-security']);
    assert.match(list, /^deb \[signed-by=\S+\] http:\/\/m\.example\/debian bookworm main$/m);
    assert.match(list, /^deb \[signed-by=\S+\] http:\/\/m\.example\/debian-security bookworm-security main$/m);
  });

  it('keeps one apt root per suite set, shared by the series it carries; the old per-series roots go', () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'apt-roots-'));
    for (const d of ['6.1', '7.3', 'bookworm+bookworm-security/state']) mkdirSync(path.join(cache, 'apt', d), { recursive: true });
    writeFileSync(path.join(cache, 'apt', 'bookworm+bookworm-security', 'state', 'updated'), 'x');
    assert.ok(aptUpdated(cache, ['bookworm', 'bookworm-security']), '6.1 and 6.12 share these lists');
    assert.ok(!aptUpdated(cache, ['trixie-backports']));
    removeSeriesRoots(path.join(cache, 'apt'));
    assert.deepEqual(readdirSync(path.join(cache, 'apt')), ['bookworm+bookworm-security']);
  });

  it('reads what apt fetched', () => {
    assert.equal(fetchedBytes('Get:2 ...\nFetched 8,941 kB in 1s (6350 kB/s)\n'), 8_941_000);
    assert.equal(fetchedBytes('Fetched 26.5 MB in 0s'), 26_500_000);
    assert.equal(fetchedBytes('All packages are up to date.'), 0);
  });
});

describe('guest plumbing', () => {
  it('writes newc cpio archives that cpio lists and extracts byte-exact', () => {
    const data = Buffer.from('odd length\n!');
    const archive = cpioArchive([
      { path: 'obj', mode: 0o040755 }, { path: 'obj/00.o', mode: 0o100644, data }, { path: 'bin/sh', mode: 0o120777, target: 'busybox' },
    ]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cpio-'));
    const list = spawnSync('cpio', ['-it'], { input: archive });
    assert.equal(list.status, 0, list.stderr.toString());
    assert.deepEqual(list.stdout.toString().trim().split('\n'), ['obj', 'obj/00.o', 'bin/sh']);
    const x = spawnSync('cpio', ['-idm', '--quiet'], { input: archive, cwd: dir });
    assert.equal(x.status, 0, x.stderr.toString());
    assert.deepEqual(readFileSync(path.join(dir, 'obj/00.o')), data);
  });

  it('boots with no disk, no network, QEMU sandboxed and both serial ports to private files', () => {
    const args = qemuArgs({ vmlinux: '/k/vmlinux', initrd: Buffer.alloc(0) }, '/tmp/x');
    const joined = args.join(' ');
    assert.match(joined, /-accel tcg/);
    assert.match(joined, /-nodefaults/);
    assert.match(joined, /-nic none/);
    assert.match(joined, /-sandbox on,/);
    assert.deepEqual(args.filter((_, i) => args[i - 1] === '-serial'), ['file:/tmp/x/console', 'file:/tmp/x/result']);
    assert.ok(!/-drive|-hd[a-d]|-virtfs|-fsdev/.test(joined), 'nothing of the host is mounted in the guest');
  });

  it('reads the guest report: release, libbpf, each program\'s errno, libbpf lines and its log taken by byte count', () => {
    // a real 6.1 log (from the shared kernel-matrix fixtures), as the guest loader frames it
    const fixture = readFileSync(path.join(KERNEL_MATRIX, 'level1', '6.1.txt'), 'utf8');
    const log = /-- BEGIN PROG LOAD LOG --\n([\s\S]*?)-- END PROG LOAD LOG --/.exec(fixture)![1];
    // a log line that looks like a marker must stay part of the log
    const tricky = `${log}=== PROG-END count_packets errno=0\n`;
    const text = ['=== KERNEL 6.1.0-57-cloud-amd64', '=== BEGIN 00.o', '=== LIBBPF v1.1', '=== PROG-BEGIN count_packets xdp',
      "libbpf: prog 'count_packets': BPF program load failed: Permission denied", `=== LOG-BEGIN ${Buffer.byteLength(tricky)}`, tricky + '=== LOG-END',
      '=== PROG-END count_packets errno=13', '=== PROG-BEGIN ok_prog xdp', '=== LOG-BEGIN 0', '=== LOG-END', '=== PROG-END ok_prog errno=0',
      '=== END 00.o rc=0', '=== DONE', ''].join('\n');
    const g = parseGuestResult(text);
    assert.equal(g.release, '6.1.0-57-cloud-amd64');
    assert.equal(g.libbpf, '1.1');
    const progs = guestPrograms(g.objects.get('00.o')!.output);
    assert.deepEqual(progs.map((p) => [p.result.program, p.result.section, p.result.errno]), [['count_packets', 'xdp', 13], ['ok_prog', 'xdp', 0]]);
    assert.equal(progs[0].log.toString(), tricky);
    assert.deepEqual(progs[0].result.libbpf, ["prog 'count_packets': BPF program load failed: Permission denied"]);
    assert.equal(progs[1].log.length, 0);
    // a guest that died mid-program: what it printed, no status, no result for that program
    const cut = parseGuestResult('=== KERNEL 6.1.0-1-amd64\n=== BEGIN 00.o\n=== PROG-BEGIN p xdp\nlibbpf: half');
    assert.equal(cut.objects.get('00.o')?.rc, null);
    assert.deepEqual(guestPrograms(cut.objects.get('00.o')!.output), []);
  });

  it('names the attach target a kernel lacks: libbpf\'s BTF miss, the guest\'s kallsyms or tracefs miss; nothing otherwise', () => {
    const frame = (sec: string, errno: number, extra: string[]) => ['=== PROG-BEGIN p ' + sec, ...extra, '=== LOG-BEGIN 0', '=== LOG-END', `=== PROG-END p errno=${errno}`].join('\n');
    const [fentry, kprobe, tp, ok, spoof] = [
      frame('fentry/do_unlinkat', 3, ["libbpf: prog 'p': failed to find kernel BTF type ID of 'do_unlinkat': -3"]),
      frame('kprobe/tcp_foo', 0, ['=== ATTACH-MISSING function tcp_foo']),
      frame('tracepoint/sched/sched_nope', 0, ['=== ATTACH-MISSING tracepoint sched/sched_nope']),
      frame('kprobe/tcp_v4_connect', 0, []),
      // a libbpf line that only mentions the words, on a program that loaded: no claim
      frame('fentry/x', 0, ["libbpf: prog 'p': failed to find kernel BTF type ID of 'x': -3"]),
    ].map((t) => guestPrograms(t)[0]);
    assert.equal(missingAttachTarget('7.3.4+deb13-cloud-amd64', fentry),
      'kernel 7.3.4+deb13-cloud-amd64 has no function do_unlinkat to attach to: libbpf finds no do_unlinkat in that kernel\'s BTF, so p (SEC("fentry/do_unlinkat")) cannot load there.');
    assert.match(missingAttachTarget('6.1.0-57-cloud-amd64', kprobe)!, /^kernel 6\.1\.0-57-cloud-amd64 has no function tcp_foo to attach to \(not in its \/proc\/kallsyms\): p \(SEC\("kprobe\/tcp_foo"\)\) loads there, but attaching it fails\.$/);
    assert.match(missingAttachTarget('6.1.0-57-cloud-amd64', tp)!, /^kernel 6\.1\S+ has no tracepoint sched\/sched_nope to attach to/);
    const lsm = guestPrograms(frame('lsm/file_nope', 3, ["libbpf: prog 'p': failed to find kernel BTF type ID of 'file_nope': -3"]))[0];
    assert.match(missingAttachTarget('6.1.0-57-cloud-amd64', lsm)!, /has no LSM hook file_nope \(bpf_lsm_file_nope\) to attach to/);
    assert.equal(missingAttachTarget('6.1.0-57-cloud-amd64', ok), null);
    assert.equal(missingAttachTarget('6.1.0-57-cloud-amd64', spoof), null);
  });

  it('refuses a kernel image that is not a bzImage, saying so', () => {
    assert.throws(() => extractVmlinux(Buffer.alloc(4096)), /not an x86 bzImage/);
  });
});
