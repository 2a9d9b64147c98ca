/**
 * Several watchers read their settings again when the configuration changes (lint-settings.ts,
 * verify-on-save-settings.ts), but a connection keeps one handler per notification: a second
 * `onDidChangeConfiguration` would silently replace the first. This makes the connection call them all.
 */
import type { Connection, DidChangeConfigurationParams } from 'vscode-languageserver/node';

type Handler = (params: DidChangeConfigurationParams) => void;

export function shareConfigurationChanges(connection: Connection): void {
  const handlers: Handler[] = [];
  connection.onDidChangeConfiguration((params) => {
    for (const h of handlers) h(params);
  });
  connection.onDidChangeConfiguration = (handler: Handler) => {
    handlers.push(handler);
    return { dispose: () => void handlers.splice(handlers.indexOf(handler) >>> 0, 1) };
  };
}
