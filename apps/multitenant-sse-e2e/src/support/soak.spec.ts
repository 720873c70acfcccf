import { LONG_SOAK_MAX_SLOPE_KB_PER_S, rssFloorSlope, type RssSample } from './soak';

// Synthetic RSS traces at 2 s sampling over 300 s: GC saw tooth of ~100 MB with a 15 s period.
function trace(leakKbPerSecond: number): RssSample[] {
  return Array.from({ length: 151 }, (_, i) => {
    const t = i * 2;
    const saw = ((t % 15) / 15) * 100_000;
    return { t, rssKb: 260_000 + saw + leakKbPerSecond * t };
  });
}

describe('rssFloorSlope', () => {
  it('reads a saw tooth without growth as flat', () => {
    expect(Math.abs(rssFloorSlope(trace(0), 300))).toBeLessThan(LONG_SOAK_MAX_SLOPE_KB_PER_S);
  });

  it('sees a leak of 5 MB/min through the saw tooth', () => {
    const leak = (5 * 1024) / 60;
    const slope = rssFloorSlope(trace(leak), 300);
    expect(slope).toBeGreaterThan(LONG_SOAK_MAX_SLOPE_KB_PER_S);
    expect(slope).toBeCloseTo(leak, -1);
  });
});
