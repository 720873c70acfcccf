// Child-process entry of every server under test: starts the one the JSON spec (argv[2]) names,
// reports { type: 'ready', url } over IPC, answers { type: 'memory' } and exits on { type: 'stop' }.
import { getHeapSpaceStatistics } from 'node:v8';
import type { ServerSpec } from './spec';

export interface Started {
  url: string;
  sessions(): number;
  stop(): Promise<void>;
}

async function start(spec: ServerSpec): Promise<Started> {
  switch (spec.kind) {
    case 'ours':
      return (await import('./ours')).startOurs(spec);
    case 'sdk':
      return (await import('../peers/sdk-http')).startSdk(spec);
    case 'ours-modern':
      return (await import('./ours-modern')).startOursModern(spec);
    case 'sdk-v2':
      return (await import('../peers/sdk-v2-http')).startSdkV2();
    case 'fastmcp':
      return (await import('../peers/fastmcp-http')).startFastmcp(spec);
    case 'raw':
      return (await import('../peers/raw-http')).startRaw(spec);
  }
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as ServerSpec;
  const server = await start(spec);
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (message: { type: string; id: number }) => {
    if (message.type === 'memory') {
      gc?.();
      gc?.();
      const m = process.memoryUsage();
      process.send?.({ type: 'reply', id: message.id, value: { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, sessions: server.sessions(), spaces: Object.fromEntries(getHeapSpaceStatistics().map((x) => [x.space_name, x.space_used_size])) } });
    } else if (message.type === 'cpu') {
      process.send?.({ type: 'reply', id: message.id, value: process.cpuUsage() });
    } else if (message.type === 'stop') {
      const timer = setTimeout(() => process.exit(0), 5_000);
      server
        .stop()
        .catch(() => undefined)
        .finally(() => {
          clearTimeout(timer);
          process.exit(0);
        });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', url: server.url });
}

main().catch((error) => {
  process.stderr.write(`bench server: ${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
