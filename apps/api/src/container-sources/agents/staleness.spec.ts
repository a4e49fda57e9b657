import { isStale } from './staleness';

describe('isStale', () => {
  const now = new Date('2026-06-20T19:30:00Z');
  const secondsAgo = (s: number): Date => new Date(now.getTime() - s * 1000);

  it('is fresh within the threshold, stale beyond it', () => {
    expect(isStale(secondsAgo(30), now, 90_000)).toBe(false);
    expect(isStale(secondsAgo(90), now, 90_000)).toBe(false);
    expect(isStale(secondsAgo(91), now, 90_000)).toBe(true);
  });

  it('follows a tuned threshold', () => {
    expect(isStale(secondsAgo(30), now, 10_000)).toBe(true);
  });
});
