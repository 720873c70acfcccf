// How every HTTP peer listens and stops: on 127.0.0.1 at a free port; stop cuts open connections.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Started } from '../servers/main';

export async function listenOnLoopback(http: Server, options: { sessions?: () => number; beforeStop?: () => Promise<void> } = {}): Promise<Started> {
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sessions: options.sessions ?? (() => 0),
    stop: async () => {
      await options.beforeStop?.();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}
