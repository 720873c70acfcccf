// The hostile battery in-process on embedded PGlite (one user, so no login checks there): the real
// createServer and SDK Client per user, an admin read of every row before and after. The service
// e2e (apps/multitenant-sse-e2e) runs the same battery on PostgreSQL with the least-privilege login.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { configureFactory, createServer, getDatabase, shutdownFactory } from '@mcp-factory/core-factory/host';
import { connectInMemoryClient, type ConnectedClient } from '@mcp-factory/core-factory/testing';
import { expectedOutcomes, heldVerdict, judgeBattery, runHostileBattery, type BatteryReport, type StoredRow } from './battery';
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

  it('gets every door refused or answered with nothing of the victim, and changes none of its rows', () => {
    expect(Object.keys(expectedOutcomes(users.attacker)).sort()).toEqual([...HOSTILE_DOORS].sort());
    expect(HOSTILE_DOORS.length).toBeGreaterThanOrEqual(40);
    expect(judgeBattery(report, users)).toEqual(heldVerdict(users));
  });
});
