import { describe, expect, it } from 'vitest';
import { startMessage } from './log-feed';
import type { LogTarget } from './log-targets';
import { tailQuery } from './containers-api';
import { NO_WINDOW, windowLabel, windowRange } from './log-window';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const web: LogTarget = {
  source: 'docker-tcp',
  hostId: 'h1',
  id: 'web',
  name: 'web',
  hostName: 'h',
};

describe('the log window', () => {
  it('is no range at all by default (the tail alone)', () => {
    expect(windowRange(NO_WINDOW, true, NOW)).toEqual({ range: {}, error: null });
    expect(windowLabel(NO_WINDOW)).toBe('All');
  });

  it('counts a relative window back from now', () => {
    expect(windowRange({ ...NO_WINDOW, since: '15m' }, true, NOW).range).toEqual({
      since: '2026-12-07T11:45:00.000Z',
    });
    expect(windowRange({ ...NO_WINDOW, since: '24h' }, false, NOW).range).toEqual({
      since: '2026-12-06T12:00:00.000Z',
    });
    expect(windowLabel({ ...NO_WINDOW, since: '1h' })).toBe('Last hour');
  });

  it('takes custom times as UTC ISO, until only when not following', () => {
    const custom = {
      since: 'custom' as const,
      customSince: '2026-12-07T10:00:00+01:00',
      customUntil: '2026-12-07T10:30:00Z',
    };
    expect(windowRange(custom, false, NOW)).toEqual({
      range: { since: '2026-12-07T09:00:00.000Z', until: '2026-12-07T10:30:00.000Z' },
      error: null,
    });
    expect(windowRange(custom, true, NOW).range).toEqual({ since: '2026-12-07T09:00:00.000Z' });
    expect(windowRange({ ...custom, customSince: '' }, false, NOW).range).toEqual({
      until: '2026-12-07T10:30:00.000Z',
    });
  });

  it('refuses an unreadable time or an until not after since', () => {
    expect(windowRange({ ...NO_WINDOW, since: 'custom', customSince: 'soon' }, true).error).toBe(
      'Since: not a time (e.g. 2026-12-07T10:00:00Z)',
    );
    expect(
      windowRange(
        {
          since: 'custom',
          customSince: '2026-12-07T10:00:00Z',
          customUntil: '2026-12-07T10:00:00Z',
        },
        false,
      ),
    ).toEqual({ range: {}, error: 'Until must be after Since' });
  });

  it('maps the range to the REST query and the start frame', () => {
    expect(tailQuery(200, {})).toEqual({ tail: '200' });
    expect(tailQuery(50, { since: 'a', until: 'b' })).toEqual({
      tail: '50',
      since: 'a',
      until: 'b',
    });
    expect(startMessage([web], 'jwt', 100, '2026-12-07T11:45:00.000Z')).toEqual({
      type: 'start',
      token: 'jwt',
      source: 'docker-tcp',
      hostId: 'h1',
      container: 'web',
      tail: 100,
      since: '2026-12-07T11:45:00.000Z',
      timestamps: true,
    });
    expect(startMessage([web, { ...web, id: 'db' }], 'jwt', 100)).not.toHaveProperty('since');
  });
});
