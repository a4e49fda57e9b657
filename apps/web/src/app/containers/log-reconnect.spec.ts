import { describe, expect, it } from 'vitest';
import type { LogFollowLine } from '@archnest/contracts';
import {
  LogResumePoint,
  RECONNECT_DELAYS_MS,
  reconnectDelay,
  shouldReconnect,
  timeKey,
} from './log-reconnect';

const line = (t: string, text: string, container?: string): LogFollowLine => ({
  t,
  stream: 'stdout',
  text,
  ...(container ? { container } : {}),
});

describe('reconnect policy', () => {
  it('backs off 1 s, 2 s, 5 s, then 10 s for good', () => {
    expect(RECONNECT_DELAYS_MS).toEqual([1000, 2000, 5000, 10_000]);
    expect([0, 1, 2, 3, 4, 20].map(reconnectDelay)).toEqual([
      1000, 2000, 5000, 10_000, 10_000, 10_000,
    ]);
  });

  it('reconnects a lost follow (1006, 1001, 4502), never an ended or refused one', () => {
    expect([1006, 1001, 4502].map(shouldReconnect)).toEqual([true, true, true]);
    expect([1000, 1011, 4400, 4401, 4403, 4404, 4429].map(shouldReconnect)).toEqual(
      Array(7).fill(false),
    );
  });
});

describe('timeKey', () => {
  it('orders Docker times whatever their fraction digits', () => {
    expect(timeKey('2026-12-07T10:00:00.1Z') > timeKey('2026-12-07T10:00:00.05Z')).toBe(true);
    expect(timeKey('2026-12-07T10:00:00Z')).toBe('2026-12-07T10:00:00.000000000Z');
    expect(timeKey('2026-12-07T11:00:00+01:00')).toBe('2026-12-07T10:00:00.000000000Z');
    expect(timeKey('nope')).toBe('');
  });
});

describe('LogResumePoint', () => {
  it('resumes from the latest time received', () => {
    const point = new LogResumePoint();
    expect(point.since).toBeNull();
    point.record([line('2026-12-07T10:00:01.5Z', 'a'), line('2026-12-07T10:00:02Z', 'b')]);
    point.record([line('2026-12-07T10:00:01Z', 'late')]);
    expect(point.since).toBe('2026-12-07T10:00:02Z');
    point.clear();
    expect(point.since).toBeNull();
  });

  it('filters what a resumed follow sends again: older lines and seen boundary lines', () => {
    const point = new LogResumePoint();
    point.record([
      line('2026-12-07T10:00:01Z', 'old'),
      line('2026-12-07T10:00:02Z', 'x', 'web'),
      line('2026-12-07T10:00:02Z', 'y', 'web'),
    ]);
    const fresh = point.resumeFilter();
    point.record([line('2026-12-07T10:00:09Z', 'later')]);
    expect(
      fresh([
        line('2026-12-07T10:00:01Z', 'old'),
        line('2026-12-07T10:00:02.000Z', 'x', 'web'),
        line('2026-12-07T10:00:02Z', 'y', 'db'),
        line('2026-12-07T10:00:02Z', 'z', 'web'),
        line('2026-12-07T10:00:03Z', 'x', 'web'),
      ]).map((l) => `${l.container ?? ''}:${l.text}`),
    ).toEqual(['db:y', 'web:z', 'web:x']);
  });

  it('passes everything when nothing was received before', () => {
    const fresh = new LogResumePoint().resumeFilter();
    expect(fresh([line('2026-12-07T10:00:01Z', 'a')])).toHaveLength(1);
  });
});
