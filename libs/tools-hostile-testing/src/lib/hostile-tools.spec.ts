// The hostile battery in-process on embedded PGlite (one user, so no login checks there): the real
// createServer and SDK Client per user, an admin read of every row before and after. The service
// e2e (apps/multitenant-sse-e2e) runs the same battery on PostgreSQL with the least-privilege login.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { configureFactory, createServer, getDatabase, shutdownFactory } from '@mcp-factory/core-factory/host';
import { connectInMemoryClient, type ConnectedClient } from '@mcp-factory/core-factory/testing';
import { expectedOutcomes, judged, runHostileBattery, type BatteryReport, type StoredRow } from './battery';
import { HOSTILE_DOORS } from './doors';
import { hostileTools } from './hostile-tools';

const users = { victim: 'victim', attacker: 'mallory' };

describe('hostile tool library, in-process on embedded PGlite', () => {
  const clients = new Map<string, ConnectedClient>();
  let report: BatteryReport;

  beforeAll(async () => {
    configureFactory({ database: { engine: 'embedded' } });
    for (const user of Object.values(users)) clients.set(user, await connectInMemoryClient(await createServer(`token-${user}`, user, { tools: [hostileTools] })));
    report = await runHostileBattery(
      {
        async call(userId, tool, args) {
          const result = (await (clients.get(userId) as ConnectedClient).client.callTool({ name: tool, arguments: args })) as CallToolResult;
          if (result.isError) throw new Error(`${tool} failed for ${userId}: ${JSON.stringify(result.content)}`);
          return result.structuredContent;
        },
        async rows() {
          const { unscoped } = await getDatabase();
          return unscoped.$queryRaw<StoredRow[]>`
            SELECT 'greeting' AS "table", tenant_id AS "tenantId", message AS content FROM greeting
            UNION ALL SELECT 'note', tenant_id, key || '=' || value FROM note
            ORDER BY 1, 2, 3`;
        },
      },
      users,
    );
  }, 120_000);

  afterAll(async () => {
    for (const connected of clients.values()) await connected.close();
    await shutdownFactory();
  });

  it('tries every door', () => {
    expect(report.outcomes.map((o) => o.door)).toEqual([...HOSTILE_DOORS]);
    expect(HOSTILE_DOORS.length).toBeGreaterThanOrEqual(40);
  });

  it('gets each door refused, or answered with nothing of the victim', () => {
    const expected = expectedOutcomes(users.attacker);
    expect(Object.keys(expected).sort()).toEqual([...HOSTILE_DOORS].sort());
    for (const outcome of report.outcomes) {
      expect({ door: outcome.door, got: judged(outcome) }).toEqual({ door: outcome.door, got: expected[outcome.door] });
    }
  });

  it("reads none of the victim's data and writes none of its rows", () => {
    expect(JSON.stringify(report.outcomes)).not.toContain(report.secret);
    const victimRows = (rows: StoredRow[]) => rows.filter((r) => r.tenantId === users.victim);
    expect(victimRows(report.before).map((r) => r.content)).toEqual([report.secret, `secret-of-victim=${report.secret}`]);
    expect(victimRows(report.after)).toEqual(victimRows(report.before));
    expect([...new Set(report.after.map((r) => r.tenantId))].sort()).toEqual([users.attacker, users.victim].sort());
  });
});
