import { Injectable, inject } from '@angular/core';
import type { HostMetricsHistory, SourceKind } from '@archnest/contracts';
import { hostKey } from '../containers/sources';
import { MetricsApi } from './metrics-api';

/** How long a host's last hour is reused: the sparklines are a glance, not a live chart. */
const MAX_AGE_MS = 60_000;

interface Cached {
  at: number;
  answer: Promise<HostMetricsHistory>;
}

/**
 * The last hour of each host, shared by every sparkline (the host selector and the Hosts page ask
 * for the same hosts): one request per host per minute; a failed answer is not kept.
 */
@Injectable({ providedIn: 'root' })
export class HostTrends {
  private readonly api = inject(MetricsApi);
  private readonly cache = new Map<string, Cached>();

  lastHour(source: SourceKind, hostId: string): Promise<HostMetricsHistory> {
    const key = hostKey({ source, hostId });
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.at < MAX_AGE_MS) {
      return cached.answer;
    }
    const answer = this.api.hostHistory(source, hostId, '1h');
    this.cache.set(key, { at: Date.now(), answer });
    answer.catch(() => {
      if (this.cache.get(key)?.answer === answer) {
        this.cache.delete(key);
      }
    });
    return answer;
  }
}
