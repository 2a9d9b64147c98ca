/**
 * The server's one reader of the settings: every setting core/settings.ts declares, asked in one
 * workspace/configuration request now and again on each didChangeConfiguration (registered dynamically, so the
 * client need not be set up to forward it), parsed by core/settings-values.ts. Whoever needs a setting reads it from
 * the EbpfSettings this hands over; nobody else listens to the notification (a connection keeps one handler).
 */
import { DidChangeConfigurationNotification, type Connection } from 'vscode-languageserver/node';
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
  const give = (next: EbpfSettings) => {
    const previous = current;
    current = next;
    apply(next, previous);
  };
  if (!support.configuration) {
    give(DEFAULT_SETTINGS);
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
      if (given) return;
      next = DEFAULT_SETTINGS;
    }
    if (ticket !== asked) return;
    given = true;
    give(next);
  };
  void read();
  if (support.dynamicChange) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'ebpf' }).catch(() => undefined);
  connection.onDidChangeConfiguration(() => void read());
  return () => void read();
}
