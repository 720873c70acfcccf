import { createMemoryLogger } from './memory-logger';

describe('createLogger', () => {
  it('writes JSON lines with child fields and redacts secrets', () => {
    const { logger, entries } = createMemoryLogger();
    logger.child({ userId: 'alice' }).info('tool called', { tool: 'hello', accessToken: 'secret-token' });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ level: 'info', message: 'tool called', userId: 'alice', tool: 'hello' });
    expect(entries[0].accessToken).toBe('[redacted]');
    expect(JSON.stringify(entries)).not.toContain('secret-token');
  });
});

describe('createLogger redaction at any depth (issue 14)', () => {
  it("redacts secret fields nested in metadata, without touching the caller's objects", () => {
    const { logger, entries } = createMemoryLogger();
    const request = {
      method: 'POST',
      headers: { host: 'mcp.example', authorization: 'Bearer eyJhbGciOi.abc.def', cookie: 'sid=s3ss10n', 'x-api-key': 'k-123' },
      upstream: [{ client_secret: 'cs-1', refresh_token: 'rt-1', note: 'kept' }],
      db: { password: 'pw-1', user: 'app' },
    };
    logger.warn('request refused', { request });
    const line = JSON.stringify(entries[0]);
    for (const secret of ['eyJhbGciOi', 's3ss10n', 'k-123', 'cs-1', 'rt-1', 'pw-1']) expect(line).not.toContain(secret);
    expect(entries[0]).toMatchObject({
      request: {
        method: 'POST',
        headers: { host: 'mcp.example', authorization: '[redacted]', cookie: '[redacted]', 'x-api-key': '[redacted]' },
        upstream: [{ client_secret: '[redacted]', refresh_token: '[redacted]', note: 'kept' }],
        db: { password: '[redacted]', user: 'app' },
      },
    });
    expect(request.headers.authorization).toBe('Bearer eyJhbGciOi.abc.def'); // the caller's object is unchanged
  });

  it('redacts passwords, secret query parameters and bearer credentials inside strings, the message included', () => {
    const { logger, entries } = createMemoryLogger();
    logger.error('cannot reach postgresql://app:pw-2@db:5432/mcp', {
      masked: 'postgresql://app:***@db/mcp',
      database: 'postgresql://app@db/mcp?sslmode=require&password=pw-3',
      jwks: 'https://idp.example/jwks?access_token=at-1',
      header: 'Authorization: Bearer tok-4',
    });
    const line = JSON.stringify(entries[0]);
    for (const secret of ['pw-2', 'pw-3', 'at-1', 'tok-4']) expect(line).not.toContain(secret);
    expect(entries[0]).toMatchObject({
      message: 'cannot reach postgresql://app:[redacted]@db:5432/mcp',
      masked: 'postgresql://app:***@db/mcp',
      database: 'postgresql://app@db/mcp?sslmode=require&password=[redacted]',
      header: 'Authorization: Bearer [redacted]',
    });
  });

  it('survives cycles and very deep metadata', () => {
    const { logger, entries } = createMemoryLogger();
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    let deep: Record<string, unknown> = { token: 'deep-secret' };
    for (let i = 0; i < 100; i++) deep = { next: deep };
    logger.info('odd shapes', { cyclic, deep });
    const line = JSON.stringify(entries[0]);
    expect(line).not.toContain('deep-secret');
    expect(entries[0]).toMatchObject({ cyclic: { name: 'loop', self: '[circular]' } });
  });
});
