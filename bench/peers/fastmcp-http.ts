// Peer: fastmcp 4 on its httpStream transport (stateless option per its README), the same tools.
import { createServer } from 'node:net';
import { z } from 'zod';
import type { Started } from '../servers/main';
import type { ServerSpec } from '../servers/spec';
import { peerGreetings, unverifiedSub } from './greeting-sql';
import { echoInput, helloInput, listInput, otherTools } from './hello-shape';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export async function startFastmcp(spec: Extract<ServerSpec, { kind: 'fastmcp' }>): Promise<Started> {
  const { FastMCP } = await import('fastmcp');
  const greetings = spec.databaseUrl ? peerGreetings(spec.databaseUrl) : undefined;
  // With a database the tenant comes from the token, which fastmcp hands to tools through `authenticate`.
  const server = greetings
    ? new FastMCP<{ userId: string }>({ name: 'fastmcp-peer', version: '1.0.0', authenticate: async (req) => ({ userId: unverifiedSub(req.headers.authorization) }) })
    : new FastMCP<{ userId: string }>({ name: 'fastmcp-peer', version: '1.0.0' });
  server.addTool({ name: 'echo', description: 'Returns the text you send, unchanged.', parameters: z.object(echoInput), execute: async ({ text }) => text });
  if (greetings) {
    const user = (session: { userId: string } | undefined) => session?.userId ?? 'anonymous';
    server.addTool({ name: 'hello_computer', description: otherTools[0].description, parameters: z.object(helloInput), execute: async ({ name }, { session }) => greetings.hello(user(session), name) });
    server.addTool({ name: 'list_greetings', description: otherTools[1].description, parameters: z.object(listInput), execute: async ({ limit }, { session }) => greetings.list(user(session), limit) });
  } else {
    for (const tool of otherTools) {
      server.addTool({ name: tool.name, description: tool.description, parameters: z.object(tool.input), execute: async () => 'n/a' });
    }
  }
  const port = await freePort();
  await server.start({ transportType: 'httpStream', httpStream: { port, host: '127.0.0.1', stateless: spec.stateless, enableJsonResponse: spec.enableJsonResponse } });
  return {
    url: `http://127.0.0.1:${port}`,
    sessions: () => server.sessions.length,
    stop: async () => {
      await server.stop();
      await greetings?.end();
    },
  };
}
