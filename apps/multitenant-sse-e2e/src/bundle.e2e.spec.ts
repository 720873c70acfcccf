// Issue 5: the built service bundle (dist/apps/multitenant-sse, what the Dockerfile ships) runs with
// plain node and no node_modules in reach: migrations as a separate command, then the server.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callTool, connectAs, greetingFor, listMessages, TRANSPORTS } from './support/clients';
import { createLeastPrivilegeDatabase, type LeastPrivilegeDatabase } from './support/least-privilege';
import { bundleDir, serviceEnv, startService, type ServiceProcess } from './support/service-process';
import { describeWithPostgres } from '@mcp-factory/shared-util/testing';

describeWithPostgres('the built multitenant-sse bundle', () => {
  let db: LeastPrivilegeDatabase;
  let service: ServiceProcess;
  // A copy outside the workspace, so nothing can be resolved from its node_modules.
  const app = mkdtempSync(join(tmpdir(), 'mcpf-service-bundle-'));

  beforeAll(async () => {
    cpSync(bundleDir, app, { recursive: true });
    db = await createLeastPrivilegeDatabase();
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(app, { recursive: true, force: true });
  });

  it('migrates with `node migrate.js` as the owner, then serves both transports as the runtime login with MIGRATE_ON_START=false', async () => {
    const migrate = spawnSync(process.execPath, [join(app, 'migrate.js')], {
      cwd: app,
      env: serviceEnv(db.serviceEnv()),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(migrate.status).toBe(0);
    expect(migrate.stderr).toContain('"message":"Migrations done"');

    service = await startService({ DATABASE_URL: db.runtimeUrl, MIGRATE_ON_START: 'false' }, 30_000, { bundleMain: join(app, 'main.js') });
    try {
      for (const transport of TRANSPORTS) {
        const user = `bundle-${transport}`;
        const client = await connectAs(service.baseUrl, user, transport);
        try {
          expect((await callTool(client, 'hello_computer', { name: 'Bundle' })).text).toBe(greetingFor('Bundle', user));
          expect(await listMessages(client)).toEqual([greetingFor('Bundle', user)]);
        } finally {
          await client.close();
        }
      }
    } finally {
      expect(await service.stop()).toEqual({ code: 0, signal: null });
    }
  });
});
