import type { JSONRPCMessage, Transport, TransportSendOptions } from '@modelcontextprotocol/server';

/**
 * A transport that passes everything through and also tells its owner when it has closed. The SDK's
 * `serveStdio` takes over the callbacks of the transport it is given and offers no "closed" event of
 * its own; the session needs one to end the process when the client goes away.
 */
export class ObservedTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];

  constructor(
    private readonly inner: Transport,
    private readonly onClosed: () => void,
  ) {}

  async start(): Promise<void> {
    this.inner.onmessage = (message, extra) => this.onmessage?.(message, extra);
    this.inner.onerror = (error) => this.onerror?.(error);
    this.inner.onclose = () => {
      try {
        this.onclose?.();
      } finally {
        this.onClosed();
      }
    };
    await this.inner.start();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    return this.inner.send(message, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
