import type { HealthState } from '@archnest/contracts';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Units of go-units' HumanDuration, as `docker ps` prints them. */
const UNITS: Record<string, number> = {
  second: SECOND,
  minute: MINUTE,
  hour: HOUR,
  day: DAY,
  week: 7 * DAY,
  month: 30 * DAY,
  year: 365 * DAY,
};

/**
 * The bounds [min, max) in ms of an uptime `docker ps` printed as `Up 3 seconds` (go-units'
 * HumanDuration: floored seconds and minutes, rounded hours, then floored days, weeks…); null
 * when the status is not a running one.
 */
export function uptimeBounds(status: string): [number, number] | null {
  const match = /^Up (.+?)(?: \(.*\))?$/.exec(status);
  if (!match) {
    return null;
  }
  const text = match[1];
  if (text === 'Less than a second') {
    return [0, SECOND];
  }
  if (text === 'About a minute') {
    return [MINUTE, 2 * MINUTE];
  }
  if (text === 'About an hour') {
    return [HOUR, 1.5 * HOUR];
  }
  const counted = /^(\d+) (second|minute|hour|day|week|month|year)s?$/.exec(text);
  if (!counted) {
    return null;
  }
  const count = Number(counted[1]);
  const unit = UNITS[counted[2]];
  if (unit < HOUR) {
    return [count * unit, (count + 1) * unit];
  }
  // Hours are rounded, and the longer units count rounded hours: half an hour either way.
  const low = unit === HOUR ? count * HOUR : count * unit;
  const high = unit === HOUR ? count * HOUR : (count + 1) * unit;
  return [low - 0.5 * HOUR, high + 0.5 * HOUR];
}

/** The start time bounds [earliest, latest] of a container running `status` at `at` (ms). */
export function startedBounds(status: string, at: number): [number, number] | null {
  const uptime = uptimeBounds(status);
  return uptime ? [at - uptime[1], at - uptime[0]] : null;
}

/** The health check's verdict inside a status such as `Up 2 minutes (unhealthy)`. */
export function healthOfStatus(status: string): HealthState | null {
  if (status.includes('(unhealthy)')) {
    return 'unhealthy';
  }
  if (status.includes('(healthy)')) {
    return 'healthy';
  }
  return status.includes('(health: starting)') ? 'starting' : null;
}
