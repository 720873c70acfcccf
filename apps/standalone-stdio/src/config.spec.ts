import { loadConfig } from './config';

describe('standalone-stdio config', () => {
  it('uses MCP_USER_ID and MCP_DATA_DIR, on the embedded database', () => {
    const config = loadConfig({ MCP_USER_ID: 'ada', MCP_DATA_DIR: '/tmp/x' });
    expect(config).toMatchObject({ userId: 'ada', database: { engine: 'embedded', dataDir: '/tmp/x' }, logLevel: 'warn' });
    // Run from source (not the bundle) there is no snapshot beside the entry point.
    expect(config.database).toMatchObject({ snapshotFile: undefined });
  });

  it('shares the data directory with other copies, with the socket fallback in XDG_RUNTIME_DIR when set', () => {
    expect(loadConfig({ MCP_DATA_DIR: '/tmp/x', XDG_RUNTIME_DIR: '/run/user/1000' }).database).toMatchObject({ share: true, socketFallbackDir: '/run/user/1000' });
    expect(loadConfig({ MCP_DATA_DIR: '/tmp/x' }).database).toMatchObject({ share: true, socketFallbackDir: undefined });
  });

  it('falls back to the OS user and a per-user data directory', () => {
    const config = loadConfig({ XDG_DATA_HOME: '/data/home' });
    expect(config.userId.length).toBeGreaterThan(0);
    if (process.platform === 'linux') expect(config.database).toMatchObject({ engine: 'embedded', dataDir: '/data/home/mcp-factory/db' });
  });

  it('refuses a non-PostgreSQL DATABASE_URL naming the variable', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres/);
  });
});
