#!/usr/bin/env node
/** ebpf-debugger: the CLI over the same core and loader as the editor. Exit 0 ok, 1 rejected, 2 usage/environment. */
import { UsageError } from './args';
import { runLayout } from './layout-command';
import { runLint } from './lint-command';
import { runLog } from './log-command';
import { runKernels } from './kernels-command';
import { runLsp } from './lsp-command';
import { runSetupPrivileges } from './setup-command';
import { runVerify } from './verify-command';

const USAGE = `Usage: ebpf-debugger <command> [options]

Commands:
  verify <object.o | source.bpf.c | directory>...  Verify every program in the running kernel
      --program NAME    only this program
      --log-level N     verifier log level (1, 2, 4 or a sum; default 5 = 1+4)
      --json            machine-readable output
      --sarif           SARIF 2.1.0 (code scanning), one result per reject
      --cflags "ARGS"   extra clang arguments when building a source
      --capabilities S  verify as a loader with only: full (default), bpf, bpf+perfmon, bpf+perfmon+net_admin
      --timeout SECONDS give up on a load after this long (default 600)
      --kernel K        verify on kernel K instead: host, or a Debian series (6.1, 6.12...) booted under QEMU
                        (repeatable: a table of verdicts and the rejects that differ; downloads are cached)
      --vm-timeout S    stop a VM after S seconds (default 120)
      --vm-accel A      auto (default: KVM where it runs stock kernels, else TCG emulation), kvm or tcg
                        (or EBPF_DEBUGGER_VM_ACCEL)
  log <file | ->                                    Summarise a saved verifier log (raw, libbpf or bpftool -d output)
      --json            the program shape of verify --json
      --source-root DIR where to look for the sources the log names (repeatable)
      --symbol-tag TAG  attach only <TAG>_SYM: lines (repeatable; default all)
      --object X.o      map the reject through the object's BTF.ext line_info (exact line and column)
      --program NAME    the program the log belongs to (default: the one libbpf's wrapper names, or the only one)
  layout <source.c | file.go> | --btf <object.o>    Struct and union layouts, pahole-style with holes: a C source for the BPF
                                                    target, a Go file for amd64/arm64 (with encoding/binary's size), or an
                                                    object's BTF
      --struct NAME     only this one
      --target T        bpf (C), amd64 or arm64 (Go; default amd64)
      -I DIR            look for quoted includes here too (repeatable; then the headers under the current directory)
      -D NAME[=VAL]     a macro as the build defines it, for #if in structs (repeatable; compile_commands.json's are read too)
      --json            { structs: [{ name, language, size, align, fields, holes, binarySize? }] }
  lint <files...>                                   The language server's rules (map key/value padding, Go/C mismatches,
                                                    Go fields without a fixed size...) for CI; exit 1 on a warning
      --json            { findings: [{ rule, severity, file, line, column, endLine, endColumn, message }] }
      --sarif           SARIF 2.1.0, with each finding's fixes
      --fix             apply each finding's preferred fix in place, then report what is left
      --severity R=L    a rule's level: off, info, warning or error (repeatable; e.g. modern-hints=off)
      -I DIR            as for layout
      -D NAME[=VAL]     as for layout
  setup-privileges [--user NAME] [--install | --remove] [--max-map-memory SIZE] [--max-log-buffer SIZE]
                   [--max-verify-seconds N] [--max-helpers N]
                                                    Let a user verify without root: a root-owned helper wrapper plus a
                                                    sudoers rule for exactly it (prints the script; --install runs it as root)
  kernels [--fetch SERIES]... [--json]              The kernels in the cache and those Debian's archive carries
  lsp                                               The language server (layout lints, verify on save) on stdio, for any
                                                    LSP editor: Neovim, Helix, Emacs (eglot)...

Exit codes: 0 every program verified, 1 a program was rejected (or a log has no verdict), 2 usage or environment error.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'verify':
      return runVerify(rest);
    case 'log':
      return runLog(rest);
    case 'layout':
      return runLayout(rest);
    case 'lint':
      return runLint(rest);
    case 'setup-privileges':
      return runSetupPrivileges(rest);
    case 'kernels':
      return runKernels(rest);
    case 'lsp':
      return runLsp(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`ebpf-debugger: unknown command '${command}'.\n\n${USAGE}\n`);
      return 2;
  }
}

// output piped into `head`: the reader left, so end quietly (the helper sees its stdin close and exits)
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  throw e;
});

const args = process.argv.slice(2);
main(args).then(
  (code) => { process.exitCode = code; },
  (e) => {
    const usage = e instanceof UsageError;
    if (usage) process.stderr.write(`ebpf-debugger ${args[0]}: ${e.message}\n`);
    else process.stderr.write(`ebpf-debugger: internal error: ${(e as Error).stack ?? String(e)}\n`);
    // --json prints JSON whatever happens
    if (args.includes('--json')) process.stdout.write(JSON.stringify({ error: { kind: usage ? 'usage' : 'internal', message: (e as Error).message } }, null, 2) + '\n');
    process.exitCode = 2;
  },
);
