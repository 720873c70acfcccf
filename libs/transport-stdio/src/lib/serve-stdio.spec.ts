// The stdio seam on in-process streams, spoken to in raw JSON lines as a client writes them: the
// 2025-era opening (initialize) and the 2026-07-28 one (a request carrying the `_meta` envelope).
import { PassThrough } from 'node:stream';
import { Server } from '@modelcontextprotocol/server';
import { createSilentLogger } from '@mcp-factory/shared-util';
import { serveStdio } from './serve-stdio';

function pipes() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const lines: Array<Record<string, unknown>> = [];
  stdout.on('data', (chunk) => {
    for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
  });
  const send = (message: object) => stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
  /** The answer to request `id`, once it has been written. */
  const answer = async (id: number) => {
    for (let i = 0; i < 200; i++) {
      const found = lines.find((line) => line['id'] === id);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no answer to request ${id}: ${JSON.stringify(lines)}`);
  };
  return { stdin, stdout, send, answer };
}

function factory(calls: Array<[string, string]>) {
  return async (accessToken: string, userId: string) => {
    calls.push([accessToken, userId]);
    const server = new Server({ name: 't', version: '1' }, { capabilities: { tools: {} } });
    server.setRequestHandler('tools/list', async () => ({ tools: [] }));
    return server;
  };
}

const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

describe('serveStdio', () => {
  it('serves a 2025-era client (initialize), builds the server for the user on the first message, and ends when stdin ends', async () => {
    const { stdin, stdout, send, answer } = pipes();
    const calls: Array<[string, string]> = [];
    const session = await serveStdio({ serverFactory: factory(calls), userId: 'me', logger: createSilentLogger(), stdin, stdout, signals: [] });
    expect(calls).toEqual([]);
    send({ id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    expect(await answer(1)).toMatchObject({ result: { protocolVersion: '2025-06-18', serverInfo: { name: 't' } } });
    send({ method: 'notifications/initialized' });
    send({ id: 2, method: 'tools/list' });
    expect(await answer(2)).toEqual({ jsonrpc: '2.0', id: 2, result: { tools: [] } });
    expect(calls).toEqual([['', 'me']]);
    stdin.end();
    await expect(session.closed).resolves.toBe('stdin closed');
  });

  it('serves a 2026-07-28 client: server/discover, then requests carrying the _meta envelope', async () => {
    const { stdin, stdout, send, answer } = pipes();
    const calls: Array<[string, string]> = [];
    const session = await serveStdio({ serverFactory: factory(calls), userId: 'me', accessToken: 'tok', logger: createSilentLogger(), stdin, stdout, signals: [] });
    send({ id: 1, method: 'server/discover', params: { _meta: MODERN_META } });
    expect(await answer(1)).toMatchObject({ result: { supportedVersions: ['2026-07-28'], capabilities: { tools: {} }, resultType: 'complete' } });
    send({ id: 2, method: 'tools/list', params: { _meta: MODERN_META } });
    expect(await answer(2)).toMatchObject({ result: { tools: [], resultType: 'complete', ttlMs: 0, cacheScope: 'private', _meta: { 'io.modelcontextprotocol/serverInfo': { name: 't' } } } });
    // One server, pinned to the connection.
    expect(calls).toEqual([['tok', 'me']]);
    await session.close('done');
    await expect(session.closed).resolves.toBe('done');
  });

  it('close() ends the session once, whoever calls it; a signal is named as the reason', async () => {
    const first = pipes();
    const session = await serveStdio({ serverFactory: factory([]), userId: 'me', logger: createSilentLogger(), stdin: first.stdin, stdout: first.stdout, signals: [] });
    await Promise.all([session.close('first'), session.close('second')]);
    await expect(session.closed).resolves.toBe('first');

    const second = pipes();
    const signalled = await serveStdio({ serverFactory: factory([]), userId: 'me', logger: createSilentLogger(), stdin: second.stdin, stdout: second.stdout, signals: ['SIGUSR2'] });
    process.emit('SIGUSR2', 'SIGUSR2');
    await expect(signalled.closed).resolves.toBe('SIGUSR2');
    expect(process.listenerCount('SIGUSR2')).toBe(0);
  });
});
