/**
 * The debug adapter executable: DAP over stdio, or `--server=PORT` to debug the adapter itself.
 * It runs out of process, never inside the extension host; the kernel is reached only through the helper.
 */
import { DebugSession } from '@vscode/debugadapter';
import { EbpfDebugSession } from './session';

// A bug in one request must not take the session down silently: report it on stderr and keep serving.
process.on('uncaughtException', (e) => process.stderr.write(`ebpf-debugger adapter: ${e.stack ?? e}\n`));
process.on('unhandledRejection', (e) => process.stderr.write(`ebpf-debugger adapter: ${(e as Error)?.stack ?? e}\n`));

DebugSession.run(EbpfDebugSession);
