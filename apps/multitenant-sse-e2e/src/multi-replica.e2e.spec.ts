// Issue 16, the scale-out stack with the real service: HAProxy in front of three replicas sharing Redis
// (a key prefix of this run) and PostgreSQL through PgBouncer in transaction mode. Requests spread over
// the replicas; 2025-era sessions stay on theirs; one user's rate limit holds for the whole service; a
// change published on one replica reaches listeners on the others; a replica killed mid-run loses no
// acknowledged write, the others keep serving, and its sessions get 404 and re-initialize elsewhere.
import { join } from 'node:path';
import { replicaIdOfSession } from '@mcp-factory/mcp-auth';
import { rawRequest } from '@mcp-factory/mcp-auth/testing';
import { describeWithBinaries, describeWithPostgres, describeWithRedis, isProcessAlive } from '@mcp-factory/shared-util/testing';
import { connectAs, get, greetingFor, metricSum, tokenFor } from './support/clients';
import { listenForToolChanges, modernCall, modernMessages } from './support/modern-calls';
import { startReplicaStack, type ReplicaStack } from './support/replica-stack';
import { bucketAllowance, burst, inspectRedis } from './support/shared-redis';
import { workspaceRoot } from './support/service-process';

const LIMIT = 30;
/** A tool library the first three replicas do not serve: a fourth replica with it is a new version. */
const hostileModule = join(workspaceRoot, 'libs/tools-hostile-testing/src/index.ts');

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const modernCount = async (baseUrl: string) => metricSum((await get(baseUrl, '/metrics')).body, 'mcp_protocol_requests_total', { era: 'modern' });

describeWithPostgres('scale-out: three replicas behind HAProxy', () => {
  describeWithRedis('with Redis', () => {
    describeWithBinaries(['haproxy', 'pgbouncer'], 'and PgBouncer', () => {
      let stack: ReplicaStack;

      beforeAll(async () => {
        stack = await startReplicaStack({ env: { RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
        // Every replica passed HAProxy's readiness check: three modern calls land on three replicas.
        await until(async () => {
          const before = await Promise.all(stack.replicas.map((r) => modernCount(r.service.baseUrl)));
          for (let i = 0; i < 3; i++) await modernCall(stack.baseUrl, `warm-up-${Date.now()}`, 'hello_computer', { name: 'warm' });
          const after = await Promise.all(stack.replicas.map((r) => modernCount(r.service.baseUrl)));
          return after.every((n, i) => n > before[i]);
        }, 'all three replicas to take traffic', 60_000);
      }, 240_000);
      afterAll(async () => {
        await stack?.stop();
      }, 60_000);

      it('spreads 2026-07-28 requests and new 2025-era sessions over the replicas; sessions keep working through the balancer', async () => {
        const before = await Promise.all(stack.replicas.map((r) => modernCount(r.service.baseUrl)));
        const counts = () => Promise.all(stack.replicas.map((r) => modernCount(r.service.baseUrl)));
        // Round robin spreads 9 calls 3/3/3. On a loaded machine HAProxy may mark a replica down for a
        // moment (a failed check or a layer-4 error: `observe layer4`), so keep calling — at most 30 —
        // until each replica has answered one; every call must succeed meanwhile.
        let after = before;
        for (let i = 0; i < 30 && (i < 9 || !after.every((n, r) => n > before[r])); i++) {
          expect(await modernCall(stack.baseUrl, `spread-${i % 3}`, 'hello_computer', { name: `m${i}` })).toMatchObject({ status: 200, isError: false });
          if (i >= 8) after = await counts();
        }
        for (const [i, n] of after.entries()) expect(n - before[i]).toBeGreaterThanOrEqual(1);

        const sessions = await Promise.all(['a', 'b', 'c'].map((u) => connectAs(stack.baseUrl, `session-${u}`, 'streamable-http')));
        const legacySse = await connectAs(stack.baseUrl, 'session-sse', 'sse');
        expect(new Set(sessions.map((s) => replicaIdOfSession(s.sessionId as string))).size).toBeGreaterThanOrEqual(2);
        for (const [i, s] of sessions.entries()) {
          for (let call = 0; call < 3; call++) expect(await s.callText('hello_computer', { name: `s${call}` })).toBe(greetingFor(`s${call}`, `session-${['a', 'b', 'c'][i]}`));
        }
        expect(await legacySse.callText('hello_computer', { name: 'sse' })).toBe(greetingFor('sse', 'session-sse'));
        await Promise.all([...sessions, legacySse].map((s) => s.close()));
      });

      it("holds one user's rate limit across the replicas (about N per window, not 3 × N)", async () => {
        const before = await Promise.all(stack.replicas.map((r) => modernCount(r.service.baseUrl)));
        const statuses = await burst(stack.baseUrl, 'limited-user', 3 * LIMIT, 6);
        const allowed = statuses.get(200) ?? 0;
        // Every replica served some of the allowed requests: one bucket per replica would have allowed 3 × N.
        const after = await Promise.all(stack.replicas.map((r) => modernCount(r.service.baseUrl)));
        for (const [i, n] of after.entries()) expect(n - before[i]).toBeGreaterThanOrEqual(1);
        expect(allowed).toBeGreaterThanOrEqual(LIMIT);
        // Only what refilled while the burst ran (N per minute) comes on top; per-replica buckets would allow 3 × N.
        expect(allowed).toBeLessThanOrEqual(bucketAllowance(LIMIT, statuses.elapsedMs ?? 0));
        expect(allowed).toBeLessThan(2 * LIMIT);
        expect(statuses.get(429)).toBe(3 * LIMIT - allowed);
      });

      it('delivers a change published on one replica to listen streams held by the others', async () => {
        // Round-robin puts three listen streams on the three replicas behind the balancer.
        const listeners = await Promise.all([0, 1, 2].map((i) => listenForToolChanges(stack.baseUrl, `listener-${i}`)));
        try {
          // Each open stream holds a session slot in Redis, named by the replica holding it.
          const inspect = inspectRedis();
          const holders = (await inspect.redis.zrange(`${stack.keyPrefix}sessions:all`, '0', '-1')).map((member) => member.split(':')[0]);
          await inspect.close();
          expect(new Set(holders)).toEqual(new Set(['r1', 'r2', 'r3']));
          // A fourth replica with a new tool list (a rolling deploy) starts and announces it on Redis.
          const newVersion = await stack.startExtraReplica('r4', { TEST_TOOL_LIBRARIES: hostileModule });
          await newVersion.waitForLog('Announced a new tool list to every replica', 30_000);
          await until(() => listeners.every((l) => l.changes >= 1), 'every listener to hear the change');
          await newVersion.stop();
        } finally {
          await Promise.all(listeners.map((l) => l.close()));
        }
      }, 120_000);

      it('survives a replica killed mid-run: no acknowledged write lost, the others serve, its sessions get 404 and re-initialize', async () => {
        const victim = stack.replicas[1];
        const sessions = [];
        for (let i = 0; i < 6; i++) sessions.push(await connectAs(stack.baseUrl, `kill-session-${i}`, 'streamable-http'));
        const onVictim = sessions.filter((s) => replicaIdOfSession(s.sessionId as string) === victim.id);
        expect(onVictim.length).toBeGreaterThanOrEqual(1);

        const writers = ['w0', 'w1', 'w2', 'w3'];
        const acknowledged = new Map<string, string[]>(writers.map((w) => [w, []]));
        let killed = false;
        const failuresAfterKill: number[] = [];
        const write = async (writer: string, n: number) => {
          const outcome = await modernCall(stack.baseUrl, writer, 'hello_computer', { name: `${writer}-${n}` });
          if (outcome.status === 200 && !outcome.isError) acknowledged.get(writer)?.push(greetingFor(`${writer}-${n}`, writer));
          else if (killed) failuresAfterKill.push(outcome.status);
        };
        await Promise.all(
          writers.map(async (writer, w) => {
            for (let n = 0; n < 12; n++) {
              if (w === 0 && n === 4) {
                killed = true;
                await victim.service.stop('SIGKILL');
              }
              await write(writer, n);
            }
          }),
        );
        expect(isProcessAlive(victim.service.pid)).toBe(false);
        // Every write acknowledged before, during or after the kill is in the database.
        for (const writer of writers) {
          const stored = await modernMessages(stack.baseUrl, writer);
          for (const message of acknowledged.get(writer) ?? []) expect(stored).toContain(message);
        }
        const total = [...acknowledged.values()].reduce((n, list) => n + list.length, 0);
        // At most the calls in flight at the kill fail; the rest go to the live replicas.
        expect(failuresAfterKill.length).toBeLessThanOrEqual(writers.length);
        expect(total).toBeGreaterThanOrEqual(writers.length * 12 - writers.length);
        // Modern requests keep succeeding through the two live replicas.
        for (let i = 0; i < 6; i++) expect(await modernCall(stack.baseUrl, 'after-kill', 'hello_computer', { name: `a${i}` })).toMatchObject({ status: 200, isError: false });

        for (const session of onVictim) {
          const user = `kill-session-${sessions.indexOf(session)}`;
          const answer = await rawRequest(`${stack.baseUrl}/mcp`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: `Bearer ${await tokenFor(user)}`, 'Mcp-Session-Id': session.sessionId as string },
            body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list', params: {} }),
          });
          expect(answer.status).toBe(404);
        }
        // The client's answer to a 404: a new session, on a live replica.
        const lostUser = `kill-session-${sessions.indexOf(onVictim[0])}`;
        const again = await connectAs(stack.baseUrl, lostUser, 'streamable-http');
        expect(replicaIdOfSession(again.sessionId as string)).not.toBe(victim.id);
        expect(await again.callText('hello_computer', { name: 'again' })).toBe(greetingFor('again', lostUser));
        const survivors = sessions.filter((s) => !onVictim.includes(s));
        for (const s of survivors) expect((await s.client.listTools()).tools.length).toBeGreaterThan(0);
        await Promise.all([...survivors, again].map((s) => s.close()));
        await Promise.all(onVictim.map((s) => s.close().catch(() => undefined)));
      });
    });
  });
});
