import { createLogger, createSilentLogger } from './create-logger';
import { DeferredLogger } from './deferred-logger';
import { createMemoryLogger } from './memory-logger';

describe('deferred logger', () => {
  it('builds the real logger only when a line at an enabled level is written', () => {
    let builds = 0;
    const { logger: real, entries } = createMemoryLogger('debug');
    
    const logger = new DeferredLogger('warn', () => {
      builds += 1;
      return real;
    });
    const child = logger.child({ userId: 'alice' });
    child.info('not written');
    child.debug('not written either');
    expect(builds).toBe(0);
    child.warn('written', { tool: 'x' });
    logger.error('also written');
    expect(builds).toBe(1);
    expect(entries.map((e) => [e.level, e.message, e.userId])).toEqual([
      ['warn', 'written', 'alice'],
      ['error', 'also written', undefined],
    ]);
  });

  it('a silent logger never writes', () => {
    const logger = createSilentLogger();
    expect(() => logger.error('nothing')).not.toThrow();
    expect(logger.isLevelEnabled('error')).toBe(false);
  });

  it('createLogger honours its level', () => {
    const logger = createLogger({ level: 'error' });
    expect(logger.isLevelEnabled('error')).toBe(true);
    expect(logger.isLevelEnabled('warn')).toBe(false);
  });
});
