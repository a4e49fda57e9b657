import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { HostObservations } from '../../alerts/evaluation/host-observations';
import { MetricsRecorder } from '../../metrics/metrics-recorder';
import { SamplingLeases } from '../../metrics/sampling-leases';
import { dockerCli } from './docker-cli';
import { parsePs, parseStatsRows } from './docker-cli-output';
import { DockerSshRunner } from './docker-ssh.runner';
import { cliOf } from './ssh-target-chains';
import type { SshTargetEntity } from './ssh-target.entity';
import { SshTargetsRepository } from './ssh-targets.repository';

/**
 * Samples every pinned SSH target for the metrics history every `sshStatsIntervalMs`: one
 * `docker stats` of all running containers, and beside it the `docker ps` the container list
 * runs (for the images; docker stats has no image column), on the target's pooled connection.
 * The `docker ps` round is also what the alerts read (HostObservations). Each target is
 * sampled on its own with the runner's timeouts, so a target that is down or slow
 * delays no other; one whose last sample still runs is skipped. Failures are not logged: a down
 * target is normal, and the containers routes report it.
 */
@Injectable()
export class SshStatsSampler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly rounds = new Map<string, Promise<void>>();
  private readonly intervalMs: number;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly targets: SshTargetsRepository,
    private readonly runner: DockerSshRunner,
    private readonly recorder: MetricsRecorder,
    private readonly leases: SamplingLeases,
    private readonly observations: HostObservations,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'sshStatsIntervalMs'>,
  ) {
    this.intervalMs = config.sshStatsIntervalMs;
  }

  get enabled(): boolean {
    return this.intervalMs > 0 && !this.stopped;
  }

  onApplicationBootstrap(): void {
    if (this.enabled) {
      void this.sample();
      this.timer = setInterval(() => void this.sample(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** No sample starts any more; those in flight end when the pool closes its connections. */
  beforeApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** One round over every stored target, each on its own; resolves when all answered. */
  async sample(): Promise<void> {
    const targets = await this.targets.list().catch(() => []); // the database is down
    await Promise.all(targets.map((target) => this.sampleTarget(target)));
  }

  private sampleTarget(target: SshTargetEntity): Promise<void> {
    if (!this.enabled || target.hostKeyFingerprint === null || this.rounds.has(target.id)) {
      return Promise.resolve();
    }
    const round = this.take(target)
      .catch(() => undefined) // the next round tries again
      .finally(() => this.rounds.delete(target.id));
    this.rounds.set(target.id, round);
    return round;
  }

  private async take(target: SshTargetEntity): Promise<void> {
    if (!(await this.leases.holds('docker-ssh', target.id, this.intervalMs))) {
      return; // another replica samples it
    }
    const cli = cliOf(target);
    const [stats, ps] = await Promise.allSettled([
      this.runner
        .read(target, dockerCli.statsAll(cli), 'docker stats')
        .then(({ stdout }) => ({ rows: parseStatsRows(stdout), at: new Date() })),
      this.runner
        .read(target, dockerCli.ps(cli), 'docker ps')
        .then(({ stdout }) => ({ containers: parsePs(stdout), at: new Date() })),
    ]);
    if (!this.enabled || !(await this.targets.findById(target.id))) {
      return; // removed while it was sampled
    }
    // The alerts read the `docker ps` round: unreachable, slow or no docker is the host down.
    if (ps.status === 'rejected') {
      this.observations.recordFailure('docker-ssh', target.id, target.name, ps.reason);
      return;
    }
    const { containers, at } = ps.value;
    this.observations.recordRound({
      source: 'docker-ssh',
      hostId: target.id,
      hostName: target.name,
      at,
      containers,
    });
    if (stats.status === 'fulfilled') {
      const images = new Map(containers.map((container) => [container.name, container.image]));
      this.recorder.record({
        source: 'docker-ssh',
        hostId: target.id,
        at: stats.value.at,
        containers: stats.value.rows.map(({ name, stats: figures }) => ({
          name,
          image: images.get(name) ?? '',
          stats: figures,
        })),
      });
    }
  }
}
