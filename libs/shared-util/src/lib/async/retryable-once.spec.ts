import { retryableOnce } from './retryable-once';

describe('retryableOnce', () => {
  it('runs the initialiser once for 50 concurrent callers and gives all the same value', async () => {
    let calls = 0;
    const once = retryableOnce(async () => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 10));
      return { id: calls };
    });
    const values = await Promise.all(Array.from({ length: 50 }, () => once.run()));
    expect(calls).toBe(1);
    expect(new Set(values).size).toBe(1);
    expect(once.state).toBe('done');
    await once.run();
    expect(calls).toBe(1);
  });

  it('rejects every waiting caller on failure, then lets a later call retry', async () => {
    let calls = 0;
    const once = retryableOnce(async () => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 5));
      if (calls === 1) throw new Error('database unreachable');
      return 'ready';
    });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => once.run()));
    expect(results.every((r) => r.status === 'rejected' && /database unreachable/.test(String(r.reason)))).toBe(true);
    expect(once.state).toBe('idle');
    await expect(once.run()).resolves.toBe('ready');
    expect(calls).toBe(2);
    expect(once.attempts).toBe(2);
  });

  it('initialises again after reset()', async () => {
    let calls = 0;
    const once = retryableOnce(async () => ++calls);
    await once.run();
    once.reset();
    await expect(once.run()).resolves.toBe(2);
  });
});
