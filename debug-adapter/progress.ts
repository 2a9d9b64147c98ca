import { ProgressEndEvent, ProgressStartEvent, ProgressUpdateEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';

/** One progress notification: begun (title), a step of it, and over. */
export interface Progress { start: (title: string) => void; update: (message: string) => void; end: () => void }

/**
 * A long step (a VM kernel's download and boot) as a DAP progress notification, for clients that said in
 * `initialize` they show them; for the others nothing is sent (the Debug Console has the same lines).
 */
export class ProgressReporter {
  enabled = false;
  private count = 0;

  constructor(private readonly send: (e: DebugProtocol.Event) => void) {}

  /** One progress: start it, say each step, end it (once, also after a failure). */
  begin(): Progress {
    let id: string | null = null;
    return {
      start: (title) => {
        if (!this.enabled) return;
        id = `ebpf-progress-${++this.count}`;
        this.send(new ProgressStartEvent(id, title));
      },
      update: (message) => { if (id) this.send(new ProgressUpdateEvent(id, message)); },
      end: () => {
        if (id) this.send(new ProgressEndEvent(id));
        id = null;
      },
    };
  }
}
