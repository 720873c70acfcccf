import { Socket } from 'node:net';

/** What a HostSocket asks of its engine. */
export interface HostLocator {
  /** The socket path of the process hosting the database now; waits while a hand-over is under way. */
  hostSocket(): Promise<string>;
  /** The host closed a connection or refused one: find out now (it may be leaving) rather than at the next tick. */
  suspectHost(): void;
  /** The error a call in flight gets when the host goes away. */
  hostGoneError(): Error;
}

/** A connection with no traffic for this long is closed (a stopped host must not hang calls forever). */
const SOCKET_IDLE_TIMEOUT_MS = 30_000;

/**
 * The stream pg uses for each connection (pg's `stream` option): it connects to whichever process
 * hosts the database at that moment (pg's own host/port are ignored), and turns the host going away
 * mid-call into an error that says to retry.
 */
export class HostSocket extends Socket {
  constructor(private readonly locator: HostLocator) {
    super();
    this.setTimeout(SOCKET_IDLE_TIMEOUT_MS, () => this.destroy(new Error(`the database host did not answer for ${SOCKET_IDLE_TIMEOUT_MS / 1000} s; retry the call`)));
    // Registered before pg's own listeners: pg then reports this error, not "Connection terminated unexpectedly".
    this.once('end', () => {
      // pg ends its own connections (Terminate, then end()): only a close the other side began is news.
      if (this.writableEnded) return;
      locator.suspectHost();
      this.destroy(locator.hostGoneError());
    });
    this.once('error', () => locator.suspectHost());
  }

  /** pg calls `connect(port, host)` or `connect(path)`; both mean "the host", wherever it is now. */
  override connect(..._args: unknown[]): this {
    this.locator.hostSocket().then(
      (path) => {
        if (!this.destroyed) super.connect(path);
      },
      (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
    );
    return this;
  }
}
