/**
 * The debug adapter executable: DAP over stdio, or `--server=PORT` to debug the adapter itself.
 * It runs out of process, never inside the extension host; the kernel is reached only through the helper.
 */
import { DebugSession } from '@vscode/debugadapter';
import { EbpfDebugSession } from './session';

DebugSession.run(EbpfDebugSession);
