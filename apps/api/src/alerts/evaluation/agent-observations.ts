import type { AgentContainer } from '@archnest/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import {
  type AgentHostRow,
  AgentReportsRepository,
} from '../../container-sources/agents/agent-reports.repository';
import type { ObservedContainer, ObservedHost } from './observations';

/** Reports are read this many hosts per query. */
const HOSTS_PER_QUERY = 500;

/** Inventories parsed between two yields to the event loop. */
const PARSED_PER_TURN = 50;

type Cached = { key: string; containers: ObservedContainer[] };

/** A stored inventory is the same while its digest is (v2 agents), or its receive time (v1). */
const inventoryKey = (host: AgentHostRow): string =>
  host.inventoryDigest ?? `t${host.receivedAt.getTime()}`;

/**
 * The agent hosts as the evaluator reads them, from the stored reports: stale after
 * STALE_AFTER_MS without a report (full or steady), containers from the stored inventory. An
 * inventory is parsed again only when it changed, so a round over a steady fleet reads one
 * row per host and no report.
 */
@Injectable()
export class AgentObservations {
  private readonly cache = new Map<string, Cached>();
  /**
   * Staleness counts from start-up at the earliest: after the API was down longer than
   * STALE_AFTER_MS every host would otherwise be offline at the first round, and fire.
   */
  private readonly startedAt = Date.now();

  constructor(
    private readonly reports: AgentReportsRepository,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'staleAfterMs'>,
  ) {}

  async list(now: number): Promise<ObservedHost[]> {
    const hosts = await this.reports.listHosts();
    await this.refresh(
      hosts.filter((host) => this.cache.get(host.hostId)?.key !== inventoryKey(host)),
    );
    const known = new Set(hosts.map((host) => host.hostId));
    [...this.cache.keys()].filter((id) => !known.has(id)).forEach((id) => this.cache.delete(id));
    return hosts.map((host) => {
      const heardAt = Math.max(host.receivedAt.getTime(), this.startedAt);
      const staleAt = heardAt + this.config.staleAfterMs;
      return {
        source: 'agent',
        hostId: host.hostId,
        name: host.hostname,
        downSince: now >= staleAt ? new Date(staleAt) : null,
        containers: this.cache.get(host.hostId)?.containers ?? null,
      };
    });
  }

  private async refresh(changed: readonly AgentHostRow[]): Promise<void> {
    for (let i = 0; i < changed.length; i += HOSTS_PER_QUERY) {
      const batch = changed.slice(i, i + HOSTS_PER_QUERY);
      const json = await this.reports.findReportJson(batch.map((host) => host.hostId));
      for (const [index, host] of batch.entries()) {
        if (index % PARSED_PER_TURN === PARSED_PER_TURN - 1) {
          await new Promise((resolve) => setImmediate(resolve)); // let requests in between
        }
        const report = json.get(host.hostId);
        if (report !== undefined) {
          const containers = (JSON.parse(report) as AgentContainer[]).map(toObserved);
          this.cache.set(host.hostId, { key: inventoryKey(host), containers });
        }
      }
    }
  }
}

function toObserved(container: AgentContainer): ObservedContainer {
  const started = container.startedAt ? Date.parse(container.startedAt) : NaN;
  return {
    id: container.id,
    name: container.name,
    state: container.state,
    health: container.health === 'none' ? null : container.health,
    restartCount: container.restartCount,
    startedAt: container.state === 'running' && !Number.isNaN(started) ? [started, started] : null,
  };
}
