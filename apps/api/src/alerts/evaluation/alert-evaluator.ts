import { randomUUID } from 'node:crypto';
import type { AlertScope, SourceKind } from '@archnest/contracts';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { errorReason } from '../../common/errors/error-reason';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { type AverageRow, MetricsStore } from '../../metrics/metrics.store';
import { RecentFigures } from '../../metrics/recent-figures';
import { SamplingLeases } from '../../metrics/sampling-leases';
import { AlertEventEntity } from '../events/alert-event.entity';
import { AlertOutbox } from '../events/alert-outbox';
import { AlertRuleEntity } from '../rules/alert-rule.entity';
import { AgentObservations } from './agent-observations';
import { AlertMemoryEntity } from './alert-memory.entity';
import {
  type Average,
  type Averages,
  type AveragesByWindow,
  type Condition,
  conditionKey,
  conditionsOf,
  type EvaluatedRule,
  hostKey,
  OpenAlerts,
} from './conditions';
import { ExpectedStops } from './expected-stops';
import { type ExpectedStop, type HostMemory, nextMemory } from './host-memory';
import { HostObservations } from './host-observations';
import type { ObservedContainer, ObservedHost, RoundContainer } from './observations';
import { healthOfStatus, startedBounds } from './status-reading';

/** A collector's row older than this many of its rounds (and the slack) says nothing now. */
const OBSERVATION_ROUNDS = 3;
const OBSERVATION_SLACK_MS = 30_000;
/** Rows of hosts no collector renewed for this long are deleted. */
const OBSERVATION_PRUNE_MS = 86_400_000;
/** How often they are looked for. */
const PRUNE_EVERY_MS = 600_000;
/** Resolved events are kept this long. */
const EVENTS_KEPT_MS = 90 * 86_400_000;

/** Hosts whose memory is worked out between two yields to requests waiting on the event loop. */
const HOSTS_PER_SLICE = 100;

/**
 * A window's averages are read again after a quarter of it (at most 30 s, at least a round):
 * a quarter of a window moves its average little, and the read costs one range per series.
 */
function averagesMaxAgeMs(windowSeconds: number, intervalMs: number): number {
  return Math.max(intervalMs, Math.min(30_000, (windowSeconds * 1_000) / 4));
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** What a round costs, for the benchmark and the debug log. */
export interface RoundFigures {
  hosts: number;
  containers: number;
  rules: number;
  fired: number;
  resolved: number;
  ms: number;
}

/**
 * Evaluates every enabled rule every ARCHNEST_ALERTS_INTERVAL_MS on what the server already
 * has — the collectors' last rounds (HostObservations), the agents' stored reports, the
 * metrics history and the audit log — and never calls a host. A new condition opens an event
 * (firing) and one gone resolves it; each transition writes its deliveries in the same
 * transaction (the outbox AlertSender works). With several replicas only the holder of the
 * `alerts` lease evaluates. What it remembers per host is stored too, so a restart or a
 * takeover neither forgets an open alert nor fires again for a container already down.
 */
@Injectable()
export class AlertEvaluator implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AlertEvaluator.name);
  private readonly intervalMs: number;
  private memories: Map<string, HostMemory> | null = null;
  private storedMemory = new Map<string, string>();
  /** The containers each host showed last round (see `unchanged`). */
  private readonly lastContainers = new Map<string, readonly ObservedContainer[]>();
  /** The averages of each window, read at most every averagesMaxAgeMs. */
  private readonly averages = new Map<number, { at: number; averages: Averages }>();
  private round: Promise<unknown> | null = null;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private failing = false;
  private prunedAt = 0;

  constructor(
    @InjectRepository(AlertRuleEntity) private readonly rules: Repository<AlertRuleEntity>,
    @InjectRepository(AlertEventEntity) private readonly events: Repository<AlertEventEntity>,
    @InjectRepository(AlertMemoryEntity) private readonly memoryRows: Repository<AlertMemoryEntity>,
    private readonly outbox: AlertOutbox,
    @InjectDataSource() private readonly db: DataSource,
    private readonly observations: HostObservations,
    private readonly agents: AgentObservations,
    private readonly expectedStops: ExpectedStops,
    private readonly metrics: MetricsStore,
    private readonly recent: RecentFigures,
    private readonly leases: SamplingLeases,
    @Inject(APP_CONFIG)
    private readonly config: Pick<
      AppConfig,
      'alerts' | 'dockerStatsIntervalMs' | 'sshStatsIntervalMs'
    >,
  ) {
    this.intervalMs = config.alerts.intervalMs;
  }

  get enabled(): boolean {
    return this.intervalMs > 0 && !this.stopped;
  }

  onApplicationBootstrap(): void {
    if (this.enabled) {
      this.timer = setInterval(() => void this.tick(), this.intervalMs);
      this.timer.unref();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.round?.catch(() => undefined);
    await this.leases.release('alerts', 'evaluator'); // only once the round has been written
  }

  /** One round if this process holds the lease and no round is running. */
  private async tick(): Promise<void> {
    if (this.round || !this.enabled) {
      return;
    }
    this.round = this.leadRound().finally(() => (this.round = null));
    await this.round;
  }

  private async leadRound(): Promise<void> {
    const holds = await this.leases.holds('alerts', 'evaluator', this.intervalMs, {
      failOpen: false,
    });
    if (!holds) {
      this.memories = null; // another replica evaluates; read its memory when taking over
      return;
    }
    try {
      const round = await this.evaluate(Date.now());
      this.logger.debug(
        `Alert round: ${round.hosts} hosts, ${round.containers} containers, ${round.rules} rules, ` +
          `${round.fired} fired, ${round.resolved} resolved, ${round.ms} ms`,
      );
      if (this.failing) {
        this.failing = false;
        this.logger.log('Alert evaluation running again');
      }
    } catch (error) {
      this.memories = null; // read back what was stored, not what failed to be
      if (!this.failing) {
        this.failing = true;
        this.logger.warn(`Alert evaluation failed: ${errorReason(error)}`);
      }
    }
  }

  /** One evaluation of every rule at `now`; public for the benchmark and the tests. */
  async evaluate(now: number): Promise<RoundFigures> {
    const memories = this.memories ?? (await this.loadMemories());
    await this.prune(now);
    const [ruleRows, openEvents, hosts, expectedStop] = await Promise.all([
      this.rules.find(),
      this.events.find({ where: { status: 'firing' } }),
      this.observedHosts(now),
      this.expectedStops.load(now),
    ]);
    const rules = ruleRows.filter((rule) => rule.enabled).map(toEvaluatedRule);
    const { changed, containers } = await this.remember(hosts, memories, now, expectedStop);
    const open = new OpenAlerts(openEvents.map(toOpenCondition));
    const averages = await this.averagesFor(rules, now);
    const conditions: Condition[] = [];
    for (let i = 0; i < hosts.length; i += HOSTS_PER_SLICE) {
      const slice = hosts.slice(i, i + HOSTS_PER_SLICE);
      conditions.push(...conditionsOf(rules, slice, memories, averages, now, open));
      await nextTurn();
    }
    const holding = new Set(conditions.map((condition) => condition.key));
    const at = new Date(now);
    const written = await this.outbox.write(
      {
        fired: dedupe(conditions)
          .filter((condition) => !open.has(condition.key))
          .map((condition) => toEvent(condition, at)),
        resolved: openEvents.filter((event) => !holding.has(event.openKey ?? '')),
        memories: changed,
      },
      ruleRows,
      at,
    );
    this.memories = memories;
    for (const row of changed) {
      this.storedMemory.set(hostKey(row.source, row.hostId), row.memoryJson);
    }
    return {
      hosts: hosts.length,
      containers,
      rules: rules.length,
      ...written,
      ms: Date.now() - now,
    };
  }

  /** Moves each host's memory on by this round; returns the rows to store. */
  private async remember(
    hosts: readonly ObservedHost[],
    memories: Map<string, HostMemory>,
    now: number,
    expectedStop: ExpectedStop,
  ): Promise<{ changed: AlertMemoryEntity[]; containers: number }> {
    const changed: AlertMemoryEntity[] = [];
    let containers = 0;
    for (const [index, host] of hosts.entries()) {
      if (index % HOSTS_PER_SLICE === HOSTS_PER_SLICE - 1) {
        await nextTurn();
      }
      if (host.containers === null) {
        continue;
      }
      containers += host.containers.length;
      const key = hostKey(host.source, host.hostId);
      const previous = memories.get(key);
      if (previous && this.unchanged(key, host.containers, previous)) {
        continue;
      }
      const memory = nextMemory(
        previous,
        { ...host, containers: host.containers },
        now,
        expectedStop,
      );
      memories.set(key, memory);
      const json = JSON.stringify(memory);
      if (this.storedMemory.get(key) !== json) {
        changed.push({
          source: host.source,
          hostId: host.hostId,
          memoryJson: json,
          updatedAt: new Date(now),
        });
      }
    }
    return { changed, containers };
  }

  /** Collector rows of hosts gone for a day, resolved events older than 90 days. */
  private async prune(now: number): Promise<void> {
    if (now - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = now;
      await this.observations.prune(new Date(now - OBSERVATION_PRUNE_MS));
      await this.outbox.prune(new Date(now - EVENTS_KEPT_MS));
    }
  }

  /**
   * Whether a host shows the very containers of its last round (an agent's stored inventory is
   * parsed once and handed out again while it holds): then its memory cannot change, unless a
   * stop waits to be confirmed against the audit log.
   */
  private unchanged(
    key: string,
    containers: readonly ObservedContainer[],
    previous: HostMemory,
  ): boolean {
    const same = this.lastContainers.get(key) === containers;
    this.lastContainers.set(key, containers);
    return same && Object.values(previous.stopped).every((stopped) => stopped.confirmed);
  }

  private async loadMemories(): Promise<Map<string, HostMemory>> {
    this.lastContainers.clear();
    const rows = await this.memoryRows.find();
    this.storedMemory = new Map(
      rows.map((row) => [hostKey(row.source, row.hostId), row.memoryJson]),
    );
    return new Map(
      rows.map((row) => [
        hostKey(row.source, row.hostId),
        JSON.parse(row.memoryJson) as HostMemory,
      ]),
    );
  }

  /** Every host of every source, as its collector or its agent last told. */
  private async observedHosts(now: number): Promise<ObservedHost[]> {
    const [rows, agents] = await Promise.all([this.observations.list(), this.agents.list(now)]);
    const collected = rows.map((row): ObservedHost => {
      const intervalMs =
        row.source === 'docker-ssh'
          ? this.config.sshStatsIntervalMs
          : this.config.dockerStatsIntervalMs;
      const fresh =
        now - row.observedAt.getTime() <= OBSERVATION_ROUNDS * intervalMs + OBSERVATION_SLACK_MS;
      return {
        source: row.source as SourceKind,
        hostId: row.hostId,
        name: row.hostName,
        downSince: fresh ? row.downSince : null,
        containers:
          fresh && row.downSince === null && row.containersJson
            ? (JSON.parse(row.containersJson) as RoundContainer[]).map((container) =>
                toObserved(container, row.observedAt.getTime()),
              )
            : null,
      };
    });
    return [...collected, ...agents];
  }

  /** The averages each cpu-above / memory-above window needs, by window. */
  private async averagesFor(
    rules: readonly EvaluatedRule[],
    now: number,
  ): Promise<AveragesByWindow> {
    const windows = new Set(
      rules
        .filter((rule) => rule.kind === 'cpu-above' || rule.kind === 'memory-above')
        .map((rule) => rule.forSeconds),
    );
    // One process holds the embedded database, so its recorder saw every sample.
    if (this.db.options.type !== 'postgres') {
      this.recent.retain(Math.max(0, ...windows));
    }
    const byWindow = new Map<number, Averages>();
    for (const seconds of windows) {
      byWindow.set(seconds, await this.averagesOver(seconds, now));
    }
    return byWindow;
  }

  private async averagesOver(seconds: number, now: number): Promise<Averages> {
    const nowSeconds = Math.floor(now / 1_000);
    const since = nowSeconds - seconds;
    const coveredBy = nowSeconds - Math.floor(seconds / 2);
    if (this.db.options.type !== 'postgres' && this.recent.covers(seconds)) {
      return this.recent.averages(since, coveredBy);
    }
    const cached = this.averages.get(seconds);
    if (cached && now - cached.at < averagesMaxAgeMs(seconds, this.intervalMs)) {
      return cached.averages;
    }
    const averages = byHost(await this.metrics.averages(since, coveredBy));
    this.averages.set(seconds, { at: now, averages });
    return averages;
  }
}

function byHost(rows: readonly AverageRow[]): Averages {
  const averages: Averages = new Map();
  for (const row of rows) {
    const key = hostKey(row.source, row.hostId);
    const ofHost = averages.get(key) ?? new Map<string, Average>();
    ofHost.set(row.container, { cpu: row.cpu, mem: row.mem });
    averages.set(key, ofHost);
  }
  return averages;
}

export function toEvaluatedRule(rule: AlertRuleEntity): EvaluatedRule {
  return {
    id: rule.id,
    name: rule.name,
    kind: rule.kind,
    scope: rule.scopeJson ? (JSON.parse(rule.scopeJson) as AlertScope) : null,
    threshold: rule.threshold,
    forSeconds: rule.forSeconds,
  };
}

function toObserved(container: RoundContainer, at: number): ObservedContainer {
  return {
    id: container.id,
    name: container.name,
    state: container.state,
    health: healthOfStatus(container.status),
    restartCount: null,
    startedAt: container.state === 'running' ? startedBounds(container.status, at) : null,
  };
}

/** An open event as a condition (what keeps it firing while its host tells nothing). */
function toOpenCondition(event: AlertEventEntity): Condition {
  return {
    key:
      event.openKey ??
      conditionKey(event.ruleId ?? '', event.source, event.hostId, event.container),
    rule: {
      id: event.ruleId ?? '',
      name: event.ruleName,
      kind: event.kind,
      scope: null,
      threshold: null,
      forSeconds: 0,
    },
    source: event.source,
    hostId: event.hostId,
    hostName: event.hostName,
    container: event.container,
    message: event.message,
  };
}

function toEvent(condition: Condition, at: Date): AlertEventEntity {
  return {
    id: randomUUID(),
    openKey: condition.key,
    status: 'firing',
    ruleId: condition.rule.id,
    ruleName: condition.rule.name,
    kind: condition.rule.kind,
    source: condition.source,
    hostId: condition.hostId,
    hostName: condition.hostName,
    container: condition.container,
    message: condition.message.slice(0, 1_024),
    startsAt: at,
    endsAt: null,
  };
}

function dedupe(conditions: readonly Condition[]): Condition[] {
  return [...new Map(conditions.map((condition) => [condition.key, condition])).values()];
}
