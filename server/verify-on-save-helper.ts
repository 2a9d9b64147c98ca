/**
 * Verify on save's one loader helper, shared by the saves' runs and the fix trials. Its requests are taken one at a
 * time here (the helper serves them one at a time anyway), so the request the helper is working on is known to be
 * whose: an abort cancels it only when it is the aborted run's own, and the helper is replaced (for another
 * capability set) only between requests, never under a request of another run.
 */
import type { CapabilitySet } from '../core/loader/capabilities';
import { HelperClient } from '../core/loader/helper-client';
import { EbpfError } from '../core/errors';
import type { Loader } from '../core/loader/loader';

export type HelperFactory = (capabilities: CapabilitySet | undefined) => HelperClient;

export class SharedHelper {
  private helper: HelperClient | undefined;
  private caps: CapabilitySet | undefined;
  /** Settles when the request holding the helper (and every one queued before this one) is done. */
  private tail: Promise<void> = Promise.resolve();
  /** The signal of the run whose request the helper is serving now. */
  private holder: { signal: AbortSignal; helper: HelperClient } | undefined;

  constructor(private readonly create: HelperFactory = (capabilities) => new HelperClient({ capabilities, timeoutMs: 120_000 })) {}

  /** Run `f` once every earlier request is done; refused if `signal` aborted by then. */
  private async exclusive<T>(signal: AbortSignal, f: () => Promise<T>): Promise<T> {
    const earlier = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => { release = r; });
    try {
      await earlier;
      if (signal.aborted) throw new EbpfError('cancelled', 'A newer save cancelled this verification.');
      return await f();
    } finally {
      release();
    }
  }

  /** One request of the run of `signal`, on the helper with `caps`. */
  private request<T>(signal: AbortSignal, caps: CapabilitySet | undefined, f: (h: HelperClient) => Promise<T>): Promise<T> {
    return this.exclusive(signal, async () => {
      const helper = this.current(caps);
      this.holder = { signal, helper };
      try {
        return await f(helper);
      } finally {
        this.holder = undefined;
      }
    });
  }

  /** The helper with `caps`; another set's helper is closed here, where none of its requests is in flight. */
  private current(caps: CapabilitySet | undefined): HelperClient {
    if (this.helper && this.caps === caps) return this.helper;
    void this.helper?.close();
    this.helper = this.create(caps);
    this.caps = caps;
    return this.helper;
  }

  /**
   * The helper as a loader for one run: each request refused once `signal` aborted; an abort cancels the request in
   * flight only if it is this run's (after the helper's grace that may end the helper, which then serves nobody else).
   */
  loader(caps: CapabilitySet | undefined, signal: AbortSignal): Loader {
    signal.addEventListener('abort', () => {
      const h = this.holder;
      if (h?.signal === signal) void h.helper.cancel().catch(() => undefined);
    }, { once: true });
    return {
      hello: () => this.request(signal, caps, (h) => h.hello()),
      list: (p) => this.request(signal, caps, (h) => h.list(p)),
      verify: (params, onLog) => this.request(signal, caps, (h) => h.verify(params, onLog)),
      close: async () => undefined,
    };
  }

  /** Close the helper once the requests queued now are done (a capability change: the next request starts another). */
  retire(): Promise<void> {
    return this.exclusive(new AbortController().signal, async () => {
      const h = this.helper;
      this.helper = undefined;
      await h?.close();
    });
  }

  /** Shutdown: the helper goes now, whatever it is doing (its requests fail). */
  async close(): Promise<void> {
    const h = this.helper;
    this.helper = undefined;
    await h?.close();
  }
}
