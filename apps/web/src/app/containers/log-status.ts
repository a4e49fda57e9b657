import type { StreamFilter } from './log-buffer';
import type { LogPhase } from './log-feed';

/** 1250 → "1,250". */
export const formatCount = (n: number): string => n.toLocaleString('en-US');

export interface LogStatus {
  phase: LogPhase;
  lines: number;
  /** Rows the buffer's cap has dropped. */
  evicted: number;
  /** How many containers the viewer shows. */
  containers: number;
  tail: number;
  /** While reconnecting: seconds to the next attempt. */
  retryIn?: number;
  /** Reconnect attempts since the follow was last fine. */
  reconnects?: number;
}

/** The line under the controls: what the feed is doing and how many lines it has loaded. */
export function statusText(status: LogStatus): string {
  const { phase, lines, evicted, containers, tail } = status;
  const counted = `${formatCount(lines)} ${lines === 1 ? 'line' : 'lines'}`;
  const dropped = evicted > 0 ? ' (the oldest are dropped past 100,000)' : '';
  const merged = containers > 1;
  switch (phase) {
    case 'loading':
      return `Loading the last ${tail} lines…`;
    case 'connecting':
      return (status.reconnects ?? 0) > 0 ? `Reconnecting… · ${counted}` : 'Connecting…';
    case 'reconnecting':
      return `Connection lost · Reconnecting in ${status.retryIn ?? 1} s… · ${counted}${dropped}`;
    case 'following':
      return `Following${merged ? ` ${containers} containers` : ''} · ${counted}${dropped}`;
    case 'ended':
      return `Follow ended · ${counted}${dropped}`;
    case 'failed':
      return `Stopped · ${counted}${dropped}`;
    case 'loaded':
      return `Last ${tail} lines${merged ? ' of each container' : ''} · ${counted}`;
  }
}

/** "3 of 12", "12 matches" (none is current), "No matches", or '' while nothing is searched. */
export function matchText(searching: boolean, total: number, index: number): string {
  if (!searching) {
    return '';
  }
  if (total === 0) {
    return 'No matches';
  }
  return index < 0
    ? `${formatCount(total)} matches`
    : `${formatCount(index + 1)} of ${formatCount(total)}`;
}

/** The download button's tooltip: which lines the file will hold. */
export function downloadHint(lines: number, filter: StreamFilter): string {
  const counted = formatCount(lines);
  return filter === 'all'
    ? `Download all ${counted} loaded lines as plain text`
    : `Download the ${counted} ${filter} lines shown (filtered: ${filter} only) as plain text`;
}
