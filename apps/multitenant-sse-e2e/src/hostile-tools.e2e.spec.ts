// Issue 13: a hostile tool library loaded into the real service (TEST_TOOL_LIBRARIES, NODE_ENV=test)
// on PostgreSQL, served as the least-privilege runtime login: the attacker tries every door towards
// the victim's rows over Streamable HTTP; an admin connection reads every row before and after.
import { join } from 'node:path';
import type { ConnectedClient } from '@mcp-factory/mcp-auth/testing';
import { HOSTILE_DOORS, heldVerdict, judgeBattery, runHostileBattery, type BatteryReport, type StoredRow } from '@mcp-factory/tools-hostile-testing';
import { callTool, connectAs } from './support/clients';
import { createLeastPrivilegeDatabase, type LeastPrivilegeDatabase } from './support/least-privilege';
import { startService, workspaceRoot, type ServiceProcess } from './support/service-process';
import { describeWithPostgres } from '@mcp-factory/shared-util/testing';

const users = { victim: 'victim', attacker: 'mallory' };
const hostileModule = join(workspaceRoot, 'libs/tools-hostile-testing/src/index.ts');

describeWithPostgres('a hostile tool library inside the service, on PostgreSQL as the least-privilege login', () => {
  let db: LeastPrivilegeDatabase;
  let service: ServiceProcess;
  const clients = new Map<string, ConnectedClient>();
  let report: BatteryReport;

  beforeAll(async () => {
    db = await createLeastPrivilegeDatabase();
    service = await startService({ ...db.serviceEnv(), TEST_TOOL_LIBRARIES: hostileModule }, 60_000);
    for (const user of Object.values(users)) clients.set(user, await connectAs(service.baseUrl, user, 'streamable-http'));
    report = await runHostileBattery(
      {
        async call(userId, tool, args) {
          const outcome = await callTool(clients.get(userId) as ConnectedClient, tool, args);
          if (outcome.isError) throw new Error(`${tool} failed for ${userId}: ${outcome.text}`);
          return outcome.structured;
        },
        rows: () =>
          db.query<StoredRow & Record<string, unknown>>(
            `SELECT 'greeting' AS "table", tenant_id AS "tenantId", message AS content FROM greeting
             UNION ALL SELECT 'note', tenant_id, key || '=' || value FROM note ORDER BY 1, 2, 3`,
          ),
      },
      users,
    );
  }, 180_000);

  afterAll(async () => {
    for (const connected of clients.values()) await connected.close();
    const exit = await service?.stop();
    await db?.drop();
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it('loads the library only because NODE_ENV=test named it, and says so', () => {
    expect(service.stderr()).toContain('"message":"Serving test tool libraries (NODE_ENV=test)"');
  });

  it('gets every door refused or answered with nothing of the victim, and changes none of its rows', () => {
    expect(report.outcomes.map((o) => o.door)).toEqual([...HOSTILE_DOORS]);
    expect(judgeBattery(report, users)).toEqual(heldVerdict(users));
  });

  it('left the service serving every tenant ($disconnect and friends were refused)', async () => {
    const victim = await callTool(clients.get(users.victim) as ConnectedClient, 'hello_computer', { name: 'still here' });
    expect(victim.isError).toBe(false);
    expect(await db.countGreetings(users.victim)).toBe(2);
  });
});
