import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  HostMetricsHistory,
  MetricsHistory,
  MetricsRange,
  SourceKind,
} from '@archnest/contracts';
import { firstValueFrom } from 'rxjs';
import { containerPath } from '../containers/containers-api';

/** What a history is of: one container, by name (history is kept by name), or a whole host. */
export interface MetricsTarget {
  source: SourceKind;
  hostId: string;
  /** The container's name; null for the host's containers summed. */
  container: string | null;
}

function metricsPath({ source, hostId, container }: MetricsTarget): string {
  const path =
    container === null
      ? `/api/containers/hosts/${encodeURIComponent(source)}/${encodeURIComponent(hostId)}`
      : containerPath({ source, hostId, id: container });
  return `${path}/metrics`;
}

/** The metrics history routes: a container's series and a host's summed series. */
@Injectable({ providedIn: 'root' })
export class MetricsApi {
  private readonly http = inject(HttpClient);

  /** A container's or a host's history (a host's points also carry `running`). */
  history(target: MetricsTarget, range: MetricsRange): Promise<MetricsHistory> {
    return this.get(target, range);
  }

  hostHistory(
    source: SourceKind,
    hostId: string,
    range: MetricsRange,
  ): Promise<HostMetricsHistory> {
    return this.get({ source, hostId, container: null }, range);
  }

  private get<H>(target: MetricsTarget, range: MetricsRange): Promise<H> {
    return firstValueFrom(this.http.get<H>(metricsPath(target), { params: { range } }));
  }
}
