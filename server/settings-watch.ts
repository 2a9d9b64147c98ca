/**
 * The server's one reader of the settings: every setting core/settings.ts declares, asked in one
 * workspace/configuration request now and again on each didChangeConfiguration (registered dynamically, so the
 * client need not be set up to forward it), parsed by core/settings-values.ts. Whoever needs a setting reads it from
 * the EbpfSettings this hands over; nobody else listens to the notification (a connection keeps one handler).
 */
import { DidChangeConfigurationNotification, type Connection } from 'vscode-languageserver/node';
import { SETTINGS_READ_NOTIFICATION, type SettingsReadParams } from '../core/lsp-ext';
import { DEFAULT_SETTINGS, settingNames, settingsFrom, type EbpfSettings } from '../core/settings-values';

export interface ConfigurationSupport {
  /** The client answers workspace/configuration. */
  configuration: boolean;
  /** It accepts a dynamic registration of didChangeConfiguration (else it may push changes or never say). */
  dynamicChange: boolean;
}

/**
 * Calls `apply` with the settings once they are read and after every change. Answers are read in order: a slow
 * answer to an older request never overwrites a newer one. Without workspace/configuration: the defaults, once.
 * Returns a function that reads them again (the workspace became trusted: restricted settings may now apply).
 */
export function watchSettings(connection: Connection, support: ConfigurationSupport, apply: (settings: EbpfSettings, previous: EbpfSettings) => void): () => void {
  let current: EbpfSettings = DEFAULT_SETTINGS;
  let asked = 0;
  /** Says that read `read` ended (after apply: what the client sends next meets the new settings). */
  const ended = (read: number, applied: boolean) =>
    void connection.sendNotification(SETTINGS_READ_NOTIFICATION, { read, applied } satisfies SettingsReadParams).catch(() => undefined);
  const give = (next: EbpfSettings, read: number) => {
    const previous = current;
    current = next;
    apply(next, previous);
    ended(read, true);
  };
  if (!support.configuration) {
    give(DEFAULT_SETTINGS, 0);
    return () => undefined;
  }
  const names = settingNames();
  let given = false;
  const read = async () => {
    const ticket = ++asked;
    let next: EbpfSettings;
    try {
      const values: unknown[] = await connection.workspace.getConfiguration(names.map((section) => ({ section })));
      next = settingsFrom((name) => values[names.indexOf(name)], (m) => connection.console.warn(m));
    } catch (e) {
      // a failed re-read is no change: the user's settings stay (the defaults would undo lint.exclude, flags...)
      connection.console.warn(`eBPF: could not read the settings (${(e as Error).message}); ${given ? 'the ones read before stay' : 'the defaults are used'}.`);
      if (given) return ended(ticket, false);
      next = DEFAULT_SETTINGS;
    }
    if (ticket !== asked) return; // a newer read is on its way, and ends with its own notification
    given = true;
    give(next, ticket);
  };
  void read();
  if (support.dynamicChange) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'ebpf' }).catch(() => undefined);
  connection.onDidChangeConfiguration(() => void read());
  return () => void read();
}
