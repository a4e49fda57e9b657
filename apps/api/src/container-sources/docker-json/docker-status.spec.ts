import { describeStatus, engineTime, humanDuration } from './docker-status';

const now = new Date('2026-06-20T19:30:00Z');
const ago = (ms: number): string => new Date(now.getTime() - ms).toISOString();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('humanDuration (go-units)', () => {
  it.each([
    [500, 'Less than a second'],
    [1000, '1 second'],
    [42_000, '42 seconds'],
    [MINUTE + 5000, 'About a minute'],
    [59 * MINUTE, '59 minutes'],
    [HOUR + 10 * MINUTE, 'About an hour'],
    [3 * HOUR, '3 hours'],
    [47 * HOUR, '47 hours'],
    [72 * HOUR, '3 days'],
    [15 * 24 * HOUR, '2 weeks'],
    [90 * 24 * HOUR, '3 months'],
    [800 * 24 * HOUR, '2 years'],
  ])('%i ms reads %s', (ms, text) => expect(humanDuration(ms)).toBe(text));
});

describe('describeStatus', () => {
  it.each([
    [{ Running: true, StartedAt: ago(3 * HOUR) }, 'Up 3 hours'],
    [{ Running: true, Paused: true, StartedAt: ago(5000) }, 'Up 5 seconds (Paused)'],
    [
      { Running: true, StartedAt: ago(2 * MINUTE), Health: { Status: 'starting' } },
      'Up 2 minutes (health: starting)',
    ],
    [
      { Running: true, StartedAt: ago(2 * MINUTE), Health: { Status: 'healthy' } },
      'Up 2 minutes (healthy)',
    ],
    [
      { Running: true, Restarting: true, ExitCode: 1, FinishedAt: ago(3000) },
      'Restarting (1) 3 seconds ago',
    ],
    [{ Running: false, StartedAt: '0001-01-01T00:00:00Z' }, 'Created'],
    [
      { Running: false, StartedAt: ago(HOUR * 3), FinishedAt: ago(2 * MINUTE), ExitCode: 137 },
      'Exited (137) 2 minutes ago',
    ],
    [{ Running: false, Dead: true, StartedAt: ago(HOUR) }, 'Dead'],
    [{ Status: 'removing', StartedAt: ago(HOUR) }, 'Removal In Progress'],
  ])('%j reads %s', (state, text) => expect(describeStatus(state, now)).toBe(text));
});

describe('engineTime', () => {
  it('reads Docker zero time as null and keeps real times', () => {
    expect(engineTime('0001-01-01T00:00:00Z')).toBeNull();
    expect(engineTime(undefined)).toBeNull();
    expect(engineTime('2026-06-20T19:00:00.123456789Z')?.toISOString()).toBe(
      '2026-06-20T19:00:00.123Z',
    );
  });
});
