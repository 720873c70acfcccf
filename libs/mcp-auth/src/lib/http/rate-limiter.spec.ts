import fc from 'fast-check';
import { TokenBucketLimiter } from './rate-limiter';

describe('TokenBucketLimiter', () => {
  it('allows a burst, then asks to wait, then refills', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ maxRequests: 2, windowMs: 2000 }, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([0, 0, 1]);
    expect(limiter.take('b')).toBe(0);
    now += 1000;
    expect(limiter.take('a')).toBe(0);
  });

  it('never allows more than capacity + refill over any schedule', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 200 }), (gaps) => {
        let now = 0;
        const limiter = new TokenBucketLimiter({ maxRequests: 5, windowMs: 1000 }, () => now);
        let allowed = 0;
        for (const gap of gaps) {
          now += gap;
          if (limiter.take('u') === 0) allowed += 1;
        }
        return allowed <= 5 + Math.floor(now / 200) + 1;
      }),
    );
  });

  it('bounds memory by maxKeys and can be disabled', () => {
    const limiter = new TokenBucketLimiter({ maxKeys: 3 });
    for (const k of ['a', 'b', 'c', 'd', 'e']) limiter.take(k);
    expect(limiter.size).toBe(3);
    const off = new TokenBucketLimiter({ enabled: false, maxRequests: 1 });
    expect([off.take('a'), off.take('a')]).toEqual([0, 0]);
  });
});
