/**
 * The time window of the viewer's start: `since` for a follow's `start` frame and the REST tail,
 * `until` for the REST tail only (a follow has no end). Relative choices count back from the
 * moment the view (re)starts.
 */
import type { TailRange } from './containers-api';

export type SinceChoice = 'all' | '5m' | '15m' | '1h' | '6h' | '24h' | 'custom';

export interface LogWindow {
  since: SinceChoice;
  /** With `custom`: the times typed, ISO 8601 (or anything Date.parse reads); '' for none. */
  customSince: string;
  customUntil: string;
}

/** What goes to the server: RFC 3339 times in UTC, absent when not set. */
export type LogRange = TailRange;

export const NO_WINDOW: LogWindow = { since: 'all', customSince: '', customUntil: '' };

const MINUTE = 60_000;

export const SINCE_OPTIONS: readonly { value: SinceChoice; label: string; ms?: number }[] = [
  { value: 'all', label: 'All (tail)' },
  { value: '5m', label: 'Last 5 min', ms: 5 * MINUTE },
  { value: '15m', label: 'Last 15 min', ms: 15 * MINUTE },
  { value: '1h', label: 'Last hour', ms: 60 * MINUTE },
  { value: '6h', label: 'Last 6 hours', ms: 360 * MINUTE },
  { value: '24h', label: 'Last 24 hours', ms: 1440 * MINUTE },
  { value: 'custom', label: 'Custom…' },
];

export interface WindowResult {
  range: LogRange;
  /** Why the custom times cannot be used (then `range` is empty). */
  error: string | null;
}

function parseTime(text: string, name: string): { iso?: string; error?: string } {
  const trimmed = text.trim();
  if (!trimmed) {
    return {};
  }
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms)
    ? { error: `${name}: not a time (e.g. 2026-12-07T10:00:00Z)` }
    : { iso: new Date(ms).toISOString() };
}

/** The range a window stands for at `now`; `until` only when not following. */
export function windowRange(window: LogWindow, follow: boolean, now = Date.now()): WindowResult {
  const option = SINCE_OPTIONS.find((o) => o.value === window.since);
  if (option?.ms !== undefined) {
    return { range: { since: new Date(now - option.ms).toISOString() }, error: null };
  }
  if (window.since !== 'custom') {
    return { range: {}, error: null };
  }
  const since = parseTime(window.customSince, 'Since');
  const until = follow ? {} : parseTime(window.customUntil, 'Until');
  const error = since.error ?? until.error;
  if (error) {
    return { range: {}, error };
  }
  if (since.iso && until.iso && until.iso <= since.iso) {
    return { range: {}, error: 'Until must be after Since' };
  }
  return {
    range: {
      ...(since.iso ? { since: since.iso } : {}),
      ...(until.iso ? { until: until.iso } : {}),
    },
    error: null,
  };
}

/** The label of the window button: "All", "Last hour", "Custom". */
export function windowLabel(window: LogWindow): string {
  if (window.since === 'all') {
    return 'All';
  }
  return window.since === 'custom'
    ? 'Custom'
    : (SINCE_OPTIONS.find((o) => o.value === window.since)?.label ?? 'All');
}
