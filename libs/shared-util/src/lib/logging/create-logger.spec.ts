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
