// Peer: fastmcp 4 on its httpStream transport (stateless option per its README), the same tools.
import { createServer } from 'node:net';
import { z } from 'zod';
import type { Started } from '../servers/main';
import type { ServerSpec } from '../servers/spec';
import { echoInput, otherTools } from './hello-shape';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export async function startFastmcp(spec: Extract<ServerSpec, { kind: 'fastmcp' }>): Promise<Started> {
  const { FastMCP } = await import('fastmcp');
  const server = new FastMCP({ name: 'fastmcp-peer', version: '1.0.0' });
  server.addTool({ name: 'echo', description: 'Returns the text you send, unchanged.', parameters: z.object(echoInput), execute: async ({ text }) => text });
  for (const tool of otherTools) {
    server.addTool({ name: tool.name, description: tool.description, parameters: z.object(tool.input), execute: async () => 'n/a' });
  }
  const port = await freePort();
  await server.start({ transportType: 'httpStream', httpStream: { port, host: '127.0.0.1', stateless: spec.stateless, enableJsonResponse: spec.enableJsonResponse } });
  return { url: `http://127.0.0.1:${port}`, sessions: () => server.sessions.length, stop: () => server.stop() };
}
