/**
 * The debug adapter's traffic at trace level in the "eBPF Debugger" channel: each request, response and event with
 * its seq, command or event name and outcome, bodies cut short (a variables reply or an output event can be large).
 */
import * as vscode from 'vscode';
import { DEBUG_TYPE } from '../core/launch-attributes';
import { HELPER_TRACE_EVENT, traceJson, type HelperTraceEventBody } from '../core/loader/trace-summary';
import { ebpfOutput, helperTrace, tracing } from './output-channel';

/** What a body becomes in a trace line: at most this many characters. */
const BODY_MAX = 200;

interface DapMessage {
  seq?: number;
  type?: string;
  command?: string;
  event?: string;
  request_seq?: number;
  success?: boolean;
  message?: string;
  arguments?: unknown;
  body?: unknown;
}

/** One DAP message as a trace line: `request #3 stackTrace {"threadId":1}`, `response #3 stackTrace ok …`. */
export function dapSummary(m: DapMessage): string {
  const body = (v: unknown) => (v === undefined ? '' : ` ${traceJson(v, BODY_MAX)}`);
  switch (m.type) {
    case 'request': return `request #${m.seq} ${m.command}${body(m.arguments)}`;
    case 'response': return `response #${m.request_seq} ${m.command} ${m.success ? 'ok' : `failed: ${m.message ?? ''}`}${body(m.body)}`;
    case 'event': return `event ${m.event}${body(m.body)}`;
    default: return `message ${traceJson(m, BODY_MAX)}`;
  }
}

/** Log every eBPF debug session's messages, both ways, while the channel is at trace level. */
export function registerAdapterTrace(context: vscode.ExtensionContext): void {
  const out = ebpfOutput();
  context.subscriptions.push(vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
    createDebugAdapterTracker: (session) => {
      const tag = `[adapter ${session.name}]`;
      const helper = helperTrace(out);
      out.info(`debug session '${session.name}' started: ${String(session.configuration.program ?? '')}`);
      return {
        onWillReceiveMessage: (m: DapMessage) => { if (tracing(out)) out.trace(`${tag} → ${dapSummary(m)}`); },
        onDidSendMessage: (m: DapMessage) => {
          if (!tracing(out)) return;
          // the adapter's own helper: its lines read like the Verify command's, not like a DAP event
          if (m.type === 'event' && m.event === HELPER_TRACE_EVENT) {
            const b = m.body as HelperTraceEventBody;
            return helper(b.direction, `${b.summary} (${session.name})`);
          }
          out.trace(`${tag} ← ${dapSummary(m)}`);
        },
        onError: (e) => out.error(`${tag} ${e.message}`),
        onExit: (code, signal) => {
          if (code || signal) out.warn(`${tag} the adapter exited (${signal ? `signal ${signal}` : `code ${code}`})`);
          else out.info(`debug session '${session.name}' ended`);
        },
      };
    },
  }));
}
