// The balancer design on loopback: HAProxy with the generated configuration in front of three
// stand-in replicas. Stateless and 2026-era requests spread round-robin; 2025-era sessions (header or
// legacy SSE query) stay on the replica named in their id; a replica that goes away loses its sessions
// to a 404 from another replica, and the client's new session works.
import { describeWithBinaries } from '@mcp-factory/shared-util/testing';
import { replicaIdOfSession } from '@mcp-factory/mcp-auth';
import { startHaproxy, type RunningEngine } from './support/scale-out-stack';
import { startStandInReplica, type StandInAnswer, type StandInReplica } from './support/stand-in-replica';

async function post(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: StandInAnswer; sessionHeader: string | null }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
  return { status: response.status, body: (await response.json()) as StandInAnswer, sessionHeader: response.headers.get('mcp-session-id') };
}

/** Opens GET /sse and reads the endpoint event; the stream stays open until `close()`. */
async function openSse(url: string): Promise<{ endpoint: string; close(): Promise<void> }> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  let text = '';
  while (!/data: (\S+)\n\n/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`SSE stream ended before the endpoint event: ${text}`);
    text += Buffer.from(value).toString('utf8');
  }
  return {
    endpoint: (/data: (\S+)\n\n/.exec(text) as RegExpExecArray)[1],
    async close() {
      controller.abort();
      await reader.cancel().catch(() => undefined);
    },
  };
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describeWithBinaries(['haproxy'], 'HAProxy routes 2025-era sessions by the replica id in the session id', () => {
  let replicas: StandInReplica[];
  let haproxy: RunningEngine;
  let base: string;

  beforeAll(async () => {
    replicas = await Promise.all(['r1', 'r2', 'r3'].map((id) => startStandInReplica(id)));
    haproxy = await startHaproxy(replicas.map((r) => ({ id: r.id, address: r.address })));
    base = `http://127.0.0.1:${haproxy.port}`;
    // Every replica passed its readiness check once: all three take traffic.
    await until(async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 6; i += 1) seen.add((await post(`${base}/mcp`)).body.replica);
      return seen.size === 3;
    }, 'all three replicas to be up behind HAProxy');
  }, 120_000);
  afterAll(async () => {
    await haproxy?.stop();
    await Promise.all((replicas ?? []).map((r) => r.close()));
  });

  it('spreads stateless and 2026-07-28 requests over every replica (round-robin)', async () => {
    const before = replicas.map((r) => r.served.stateless);
    for (let i = 0; i < 30; i += 1) expect((await post(`${base}/mcp`, i % 2 ? { 'mcp-protocol-version': '2026-07-28' } : {})).status).toBe(200);
    const counts = replicas.map((r, i) => r.served.stateless - before[i]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(30);
    // Round-robin gives 10 each; a health check that flaps on a busy machine may shift a few.
    for (const count of counts) expect(count).toBeGreaterThanOrEqual(5);
  });

  it('keeps every request of a Streamable HTTP session on the replica that created it', async () => {
    for (let s = 0; s < 6; s += 1) {
      const init = await post(`${base}/mcp`, { 'x-stand-in': 'initialize' });
      const sessionId = init.sessionHeader as string;
      expect(replicaIdOfSession(sessionId)).toBe(init.body.replica);
      for (let i = 0; i < 5; i += 1) {
        const next = await post(`${base}/mcp`, { 'mcp-session-id': sessionId });
        expect(next).toMatchObject({ status: 200, body: { replica: init.body.replica, sessionId } });
      }
    }
  });

  it('keeps legacy SSE messages (POST /messages?sessionId=) on the replica holding the stream', async () => {
    const streams = await Promise.all([0, 1, 2, 3].map(() => openSse(`${base}/sse`)));
    try {
      // GET /sse itself goes round-robin: the streams land on more than one replica.
      const owners = streams.map((s) => replicaIdOfSession(new URL(s.endpoint, base).searchParams.get('sessionId') as string));
      expect(new Set(owners).size).toBeGreaterThan(1);
      for (const [i, stream] of streams.entries()) {
        for (let k = 0; k < 4; k += 1) {
          const answer = await post(new URL(stream.endpoint, base).toString());
          expect(answer).toMatchObject({ status: 202, body: { replica: owners[i] } });
        }
      }
    } finally {
      await Promise.all(streams.map((s) => s.close()));
    }
  });

  it('routes an id naming no replica round-robin, where it is unknown (404)', async () => {
    for (const sessionId of ['zz.00000000-0000-0000-0000-000000000000', 'no-prefix-at-all']) {
      expect((await post(`${base}/mcp`, { 'mcp-session-id': sessionId })).status).toBe(404);
    }
  });

  it('stops sending new work to a replica whose /ready fails, and sends it again once ready', async () => {
    const draining = replicas[0];
    draining.setReady(false);
    try {
      await until(async () => {
        const before = draining.served.stateless;
        for (let i = 0; i < 6; i += 1) await post(`${base}/mcp`);
        return draining.served.stateless === before;
      }, 'HAProxy to take the unready replica out');
    } finally {
      draining.setReady(true);
    }
    await until(async () => {
      const before = draining.served.stateless;
      for (let i = 0; i < 6; i += 1) await post(`${base}/mcp`);
      return draining.served.stateless > before;
    }, 'HAProxy to put the replica back');
  });

  it('answers 404 from another replica for the sessions of a replica that died; the new session works', async () => {
    let init = await post(`${base}/mcp`, { 'x-stand-in': 'initialize' });
    // Make the victim the replica that holds this session.
    const victim = replicas.find((r) => r.id === init.body.replica) as StandInReplica;
    const sessionId = init.sessionHeader as string;
    await victim.close();
    const statuses: number[] = [];
    // The first request after the death may meet the dead connection; retries and redispatch hide it.
    for (let i = 0; i < 5; i += 1) {
      const answer = await post(`${base}/mcp`, { 'mcp-session-id': sessionId });
      statuses.push(answer.status);
      if (answer.status === 404) expect(answer.body.replica).not.toBe(victim.id);
    }
    expect(statuses).toEqual([404, 404, 404, 404, 404]);
    // The client re-initializes: a live replica, and its requests stick there.
    init = await post(`${base}/mcp`, { 'x-stand-in': 'initialize' });
    expect(init.body.replica).not.toBe(victim.id);
    expect(await post(`${base}/mcp`, { 'mcp-session-id': init.sessionHeader as string })).toMatchObject({ status: 200, body: { replica: init.body.replica } });
    // Stateless traffic goes on through the other two.
    for (let i = 0; i < 6; i += 1) expect((await post(`${base}/mcp`)).status).toBe(200);
  });
});
