import { spawn } from 'node:child_process';
import { BuildError, parseClangDiagnostics } from '../core/build/clang';

/** Run the launch configuration's `build` command; clang's diagnostics in its output become a BuildError. */
export function runBuildCommand(command: string, cwd: string, env: Record<string, string> | undefined, echo: (text: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    echo(`$ ${command}\n`);
    const child = spawn('/bin/sh', ['-c', command], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (b: Buffer) => {
      const t = b.toString('utf8');
      output = (output + t).slice(-65536);
      echo(t);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => reject(new BuildError(`Cannot run the build command: ${e.message}`, output, [])));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else {
        const diags = parseClangDiagnostics(output);
        const first = diags.find((d) => d.severity === 'error');
        reject(new BuildError(`The build command failed (exit ${code})${first ? `: ${first.file}:${first.line}:${first.column}: ${first.message}` : ''}`, output, diags));
      }
    });
  });
}
