import type { EngineState } from './engine-types';

/** Docker's "zero" time for a container that never started or never finished. */
export function engineTime(value: string | undefined): Date | null {
  if (!value || value.startsWith('0001-01-01')) {
    return null;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** go-units HumanDuration, so a status reads exactly as `docker ps` prints it. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  const hours = Math.round(ms / 3_600_000);
  if (seconds < 1) {
    return 'Less than a second';
  }
  if (seconds === 1) {
    return '1 second';
  }
  if (seconds < 60) {
    return `${seconds} seconds`;
  }
  if (minutes === 1) {
    return 'About a minute';
  }
  if (minutes < 60) {
    return `${minutes} minutes`;
  }
  return humanHours(hours, ms);
}

function humanHours(hours: number, ms: number): string {
  if (hours === 1) {
    return 'About an hour';
  }
  if (hours < 48) {
    return `${hours} hours`;
  }
  if (hours < 24 * 7 * 2) {
    return `${Math.floor(hours / 24)} days`;
  }
  if (hours < 24 * 30 * 2) {
    return `${Math.floor(hours / 24 / 7)} weeks`;
  }
  if (hours < 24 * 365 * 2) {
    return `${Math.floor(hours / 24 / 30)} months`;
  }
  return `${Math.floor(Math.floor(ms / 3_600_000) / 24 / 365)} years`;
}

function since(date: Date | null, now: Date): string {
  return humanDuration(date ? now.getTime() - date.getTime() : 0);
}

function runningStatus(state: EngineState, now: Date): string {
  const up = since(engineTime(state.StartedAt), now);
  if (state.Paused) {
    return `Up ${up} (Paused)`;
  }
  if (state.Restarting) {
    return `Restarting (${state.ExitCode ?? 0}) ${since(engineTime(state.FinishedAt), now)} ago`;
  }
  const health = state.Health?.Status;
  if (health) {
    return `Up ${up} (${health === 'starting' ? 'health: starting' : health})`;
  }
  return `Up ${up}`;
}

/** The human status `docker ps` shows ("Up 3 hours", "Exited (0) 2 minutes ago"), from inspect. */
export function describeStatus(state: EngineState, now: Date): string {
  if (state.Running) {
    return runningStatus(state, now);
  }
  if (state.Status === 'removing') {
    return 'Removal In Progress';
  }
  if (state.Dead) {
    return 'Dead';
  }
  if (!engineTime(state.StartedAt)) {
    return 'Created';
  }
  const finished = engineTime(state.FinishedAt);
  return finished ? `Exited (${state.ExitCode ?? 0}) ${since(finished, now)} ago` : '';
}
