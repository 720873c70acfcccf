// A TCP proxy between the service and PostgreSQL, so a test can cut the database link and restore it.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** Port on 127.0.0.1 to point DATABASE_URL at. */
  readonly port: number;
  /** Live client connections. */
  readonly connections: number;
  /** Destroys every connection and refuses (resets) new ones until `restore()`. */
  cut(): void;
  /** Accepts and forwards again. */
  restore(): void;
  close(): Promise<void>;
}

export interface TcpProxyOptions {
  /** Where to forward. Default 127.0.0.1:5432. */
  target?: { host: string; port: number };
  /**
   * Delay every chunk by this many ms in each direction (order kept: equal timeouts fire in order).
   * Makes each database round trip slow, so a test can hold many calls in flight without a slow tool.
   */
  delayMs?: number;
}

/** Listens on 127.0.0.1:0 and forwards each connection to the target (default 127.0.0.1:5432). */
export async function startTcpProxy(options: TcpProxyOptions = {}): Promise<TcpProxy> {
  const target = options.target ?? { host: '127.0.0.1', port: 5432 };
  const delayMs = options.delayMs ?? 0;
  const sockets = new Set<Socket>();
  let refusing = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server: Server = createServer((client) => {
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    track(client);
    track(upstream);
    if (delayMs > 0) {
      const forward = (from: Socket, to: Socket) =>
        from.on('data', (chunk) => setTimeout(() => !to.destroyed && to.write(chunk), delayMs));
      forward(client, upstream);
      forward(upstream, client);
    } else {
      client.pipe(upstream);
      upstream.pipe(client);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    get connections() {
      return sockets.size;
    },
    cut() {
      refusing = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      refusing = false;
    },
    close() {
      refusing = true;
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
