import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  AllContainers,
  ContainerAction,
  ContainerDetail,
  ContainerHost,
  ContainerLogs,
  ContainerStats,
  ContainerSummary,
  SourceKind,
} from '@archnest/contracts';
import { firstValueFrom } from 'rxjs';

/** Where a container lives: enough to build any aggregator route. */
export interface ContainerLocation {
  source: SourceKind;
  hostId: string;
  /** Full id (or name): validated by the server before it reaches a source. */
  id: string;
}

function hostPath(source: SourceKind, hostId: string): string {
  return `/api/containers/${encodeURIComponent(source)}/${encodeURIComponent(hostId)}`;
}

/** A one-shot tail's time window (ISO times); unset ends are open. */
export interface TailRange {
  since?: string;
  until?: string;
}

/** The query of the REST tail: `tail`, and `since` / `until` when set. */
export function tailQuery(tail: number, range: TailRange): Record<string, string> {
  return {
    tail: String(tail),
    ...(range.since ? { since: range.since } : {}),
    ...(range.until ? { until: range.until } : {}),
  };
}

export function containerPath({ source, hostId, id }: ContainerLocation): string {
  return `${hostPath(source, hostId)}/${encodeURIComponent(id)}`;
}

/** The aggregator (`/api/containers`): one shape for every source. */
@Injectable({ providedIn: 'root' })
export class ContainersApi {
  private readonly http = inject(HttpClient);

  hosts(): Promise<ContainerHost[]> {
    return firstValueFrom(this.http.get<ContainerHost[]>('/api/containers/hosts'));
  }

  all(): Promise<AllContainers> {
    return firstValueFrom(this.http.get<AllContainers>('/api/containers'));
  }

  list(source: SourceKind, hostId: string): Promise<ContainerSummary[]> {
    return firstValueFrom(this.http.get<ContainerSummary[]>(hostPath(source, hostId)));
  }

  detail(container: ContainerLocation): Promise<ContainerDetail> {
    return firstValueFrom(this.http.get<ContainerDetail>(containerPath(container)));
  }

  /** The one-shot tail: the last `tail` lines, within `since`/`until` (ISO times) if given. */
  logs(container: ContainerLocation, tail: number, range: TailRange = {}): Promise<ContainerLogs> {
    const params = new HttpParams({ fromObject: tailQuery(tail, range) });
    return firstValueFrom(
      this.http.get<ContainerLogs>(`${containerPath(container)}/logs`, { params }),
    );
  }

  stats(container: ContainerLocation): Promise<ContainerStats> {
    return firstValueFrom(this.http.get<ContainerStats>(`${containerPath(container)}/stats`));
  }

  /** start/stop/restart/pause/unpause are POSTs; remove is a DELETE (force for a running one). */
  act(container: ContainerLocation, action: ContainerAction, force = false): Promise<void> {
    if (action === 'remove') {
      return firstValueFrom(
        this.http.delete<void>(containerPath(container), {
          params: force ? new HttpParams().set('force', true) : undefined,
        }),
      );
    }
    return firstValueFrom(this.http.post<void>(`${containerPath(container)}/${action}`, null));
  }
}
