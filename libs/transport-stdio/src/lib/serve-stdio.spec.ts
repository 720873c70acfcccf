import { PassThrough } from 'node:stream';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { createSilentLogger } from '@mcp-factory/shared-util';
import { serveStdio } from './serve-stdio';

function pipes() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const lines: unknown[] = [];
  stdout.on('data', (chunk) => {
    for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
  });
  return { stdin, stdout, lines };
}

function factory(calls: Array<[string, string]>) {
  return async (accessToken: string, userId: string) => {
    calls.push([accessToken, userId]);
    const server = new Server({ name: 't', version: '1' }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [] }));
    return server;
  };
}

describe('serveStdio', () => {
  it('answers JSON-RPC on the given streams and ends when stdin ends', async () => {
    const { stdin, stdout, lines } = pipes();
    const calls: Array<[string, string]> = [];
    const session = await serveStdio({ serverFactory: factory(calls), userId: 'me', logger: createSilentLogger(), stdin, stdout, signals: [] });
    expect(calls).toEqual([['', 'me']]);
    stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' })}\n`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lines).toEqual([{ jsonrpc: '2.0', id: 1, result: { tools: [] } }]);
    stdin.end();
    await expect(session.closed).resolves.toBe('stdin closed');
  });

  it('close() ends the session once, whoever calls it', async () => {
    const { stdin, stdout } = pipes();
    const session = await serveStdio({ serverFactory: factory([]), userId: 'me', logger: createSilentLogger(), stdin, stdout, signals: [] });
    await Promise.all([session.close('first'), session.close('second')]);
    await expect(session.closed).resolves.toBe('first');
  });
});
