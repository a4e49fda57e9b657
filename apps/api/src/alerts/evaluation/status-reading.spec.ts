import { healthOfStatus, startedBounds, uptimeBounds } from './status-reading';
import { humanDuration } from '../../container-sources/docker-json/docker-status';

describe('uptimeBounds', () => {
  it('inverts every duration docker ps prints', () => {
    for (const ms of [0, 400, 1_000, 1_999, 42_500, 60_000, 119_000, 600_000, 3_600_000]) {
      for (const extra of [1_800_000 * 3, 86_400_000 * 3, 86_400_000 * 20]) {
        for (const uptime of [ms, ms + extra]) {
          const bounds = uptimeBounds(`Up ${humanDuration(uptime)}`);
          expect(bounds).not.toBeNull();
          expect(uptime).toBeGreaterThanOrEqual(bounds![0]);
          expect(uptime).toBeLessThan(bounds![1]);
        }
      }
    }
  });

  it('reads past a health suffix and refuses statuses that are not running', () => {
    expect(uptimeBounds('Up 3 seconds (unhealthy)')).toEqual([3_000, 4_000]);
    expect(uptimeBounds('Up 2 minutes (Paused)')).toEqual([120_000, 180_000]);
    expect(uptimeBounds('Exited (0) 2 minutes ago')).toBeNull();
    expect(uptimeBounds('Restarting (1) 3 seconds ago')).toBeNull();
    expect(uptimeBounds('Up forever')).toBeNull();
  });

  it('gives start bounds that move only when the container started again', () => {
    const first = startedBounds('Up 5 seconds', 100_000)!;
    const later = startedBounds('Up 8 seconds', 103_400)!;
    const restarted = startedBounds('Up 1 second', 103_400)!;
    expect(later[0]).toBeLessThanOrEqual(first[1]);
    expect(restarted[0]).toBeGreaterThan(first[1]);
  });
});

describe('healthOfStatus', () => {
  it('reads the health check verdict', () => {
    expect(healthOfStatus('Up 2 minutes (unhealthy)')).toBe('unhealthy');
    expect(healthOfStatus('Up 2 minutes (healthy)')).toBe('healthy');
    expect(healthOfStatus('Up 1 second (health: starting)')).toBe('starting');
    expect(healthOfStatus('Up 2 minutes')).toBeNull();
  });
});
