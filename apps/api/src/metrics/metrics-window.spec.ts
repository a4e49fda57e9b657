import { AppError } from '../common/errors/app-error';
import { MAX_POINTS, metricsWindow, type Retention } from './metrics-window';

const DAY = 86_400;
const retention: Retention = { raw: DAY, 60: 7 * DAY, 900: 90 * DAY, 3600: 365 * DAY };
const now = Date.parse('2026-12-07T12:00:07Z') / 1_000;

const points = (window: { from: number; to: number; step: number }) =>
  (window.to - window.from) / window.step;

describe('metricsWindow', () => {
  it.each([
    ['1h', 'raw', 15],
    ['6h', 'raw', 30],
    ['24h', 60, 120],
    ['7d', 900, 900],
    ['30d', 3600, 3600],
  ] as const)('reads %s from the %s tier at a %i s step', (range, tier, step) => {
    const window = metricsWindow({ range }, now, retention);
    expect(window).toMatchObject({ range, tier, step });
    expect(points(window)).toBeLessThanOrEqual(MAX_POINTS + 1);
  });

  it('defaults to the last hour, aligned to whole steps and covering now', () => {
    const window = metricsWindow({}, now, retention);
    expect(window.range).toBe('1h');
    expect(window.from % window.step).toBe(0);
    expect(window.to % window.step).toBe(0);
    expect(window.from).toBeLessThanOrEqual(now - 3_600);
    expect(window.to).toBeGreaterThan(now);
  });

  it('reads a custom window from a coarser tier once the finer one no longer reaches back', () => {
    const from = new Date((now - 3 * DAY) * 1_000).toISOString();
    const to = new Date((now - 3 * DAY + 3_600) * 1_000).toISOString();
    const window = metricsWindow({ from, to }, now, retention);
    expect(window).toMatchObject({ range: 'custom', tier: 60, step: 60 });
  });

  it('keeps a year at about a thousand points', () => {
    const from = new Date((now - 365 * DAY) * 1_000).toISOString();
    const window = metricsWindow({ from }, now, retention);
    expect(window.tier).toBe(3600);
    expect(points(window)).toBeLessThanOrEqual(MAX_POINTS + 1);
  });

  it.each([
    [{ range: '2h' }, 'range must be one of 1h, 6h, 24h, 7d, 30d'],
    [{ from: 'yesterday' }, 'from must be an ISO 8601 time'],
    [{ from: '2026-12-07T10:00:00Z', to: 'soon' }, 'to must be an ISO 8601 time'],
    [{ from: '2026-12-07T11:00:00Z', to: '2026-12-07T10:00:00Z' }, 'from must be before to'],
    [{ to: '2026-12-07T10:00:00Z' }, 'from is required with to'],
    [{ range: '1h', from: '2026-12-07T10:00:00Z' }, 'range cannot be combined with from/to'],
  ])('refuses %j with a 400 naming the parameter', (query, message) => {
    expect(() => metricsWindow(query, now, retention)).toThrow(message);
    expect(() => metricsWindow(query, now, retention)).toThrow(AppError);
  });
});
