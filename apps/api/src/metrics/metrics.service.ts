import type {
  HostMetricsHistory,
  HostMetricsPoint,
  MetricsHistory,
  MetricsPoint,
  SourceKind,
} from '@archnest/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { SourceRegistry } from '../container-sources/source-registry';
import { type HistoryRow, MetricsStore, type SeriesFilter } from './metrics.store';
import { metricsWindow, type MetricsWindow, type WindowQuery } from './metrics-window';

const iso = (epochSeconds: number): string => new Date(epochSeconds * 1_000).toISOString();

function toPoint(t: number, row: HistoryRow | undefined): HostMetricsPoint {
  return {
    t: iso(t),
    cpuPercent: row?.cpu ?? null,
    memUsage: row?.mem ?? null,
    memLimit: row?.memLimit ?? null,
    netRxBytesPerSec: row?.netRx ?? null,
    netTxBytesPerSec: row?.netTx ?? null,
    blockReadBytesPerSec: row?.blkR ?? null,
    blockWriteBytesPerSec: row?.blkW ?? null,
    running: row?.running ?? null,
  };
}

/** Every step of the window, null where nothing was sampled. */
function fill(window: MetricsWindow, rows: HistoryRow[]): HostMetricsPoint[] {
  const byStep = new Map(rows.map((row) => [row.t, row]));
  const points: HostMetricsPoint[] = [];
  for (let t = window.from; t < window.to; t += window.step) {
    points.push(toPoint(t, byStep.get(t)));
  }
  return points;
}

/** The history routes: a container's series (by name) or a host's, over a window. */
@Injectable()
export class MetricsService {
  constructor(
    private readonly store: MetricsStore,
    private readonly registry: SourceRegistry,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'metrics'>,
  ) {}

  async container(
    source: SourceKind,
    hostId: string,
    ref: string,
    query: WindowQuery,
  ): Promise<MetricsHistory> {
    const window = this.window(query);
    await this.registry.source(source).hostName(hostId);
    const seriesId = await this.seriesOf(source, hostId, ref);
    const rows = seriesId === null ? [] : await this.store.history({ seriesId }, window);
    const points: MetricsPoint[] = fill(window, rows).map(({ running: _, ...point }) => point);
    return this.answer(window, points);
  }

  async host(source: SourceKind, hostId: string, query: WindowQuery): Promise<HostMetricsHistory> {
    const window = this.window(query);
    await this.registry.source(source).hostName(hostId);
    const filter: SeriesFilter = { source, hostId };
    return this.answer(window, fill(window, await this.store.history(filter, window)));
  }

  private window(query: WindowQuery): MetricsWindow {
    return metricsWindow(query, Math.floor(Date.now() / 1_000), this.config.metrics.retention);
  }

  /**
   * A series is kept by container name, so a container recreated under its name keeps it; an
   * id (or a name with no history yet) is looked up on the source for its name.
   */
  private async seriesOf(source: SourceKind, hostId: string, ref: string): Promise<number | null> {
    const byName = await this.store.findSeries({ source, hostId, container: ref });
    if (byName !== null) {
      return byName;
    }
    const { name } = await this.registry.source(source).getContainer(hostId, ref);
    return name === ref ? null : this.store.findSeries({ source, hostId, container: name });
  }

  private answer<P extends MetricsPoint>(window: MetricsWindow, points: P[]): MetricsHistory<P> {
    return {
      range: window.range,
      from: iso(window.from),
      to: iso(window.to),
      step: window.step,
      points,
    };
  }
}
