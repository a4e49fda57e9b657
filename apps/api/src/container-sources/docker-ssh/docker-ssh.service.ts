import {
  CONTAINER_ACTIONS,
  type Capability,
  type ContainerAction,
  type ContainerDetail,
  type ContainerHost,
  type ContainerLogs,
  type ContainerStats,
  type ContainerSummary,
} from '@archnest/contracts';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppError, ErrorCode } from '../../common/errors/app-error';
import { SourceRegistry } from '../source-registry';
import { assertContainerRef } from '../container-ref';
import type {
  ActionOptions,
  ActionOutcome,
  ContainerSource,
  FollowedLine,
  FollowOptions,
  LogFollow,
  LogOptions,
} from '../container-source';
import type { ExecRequest, SourceExec } from '../exec/exec-handle';
import { toContainerDetail } from '../docker-json/normalize';
import type { EngineInspect } from '../docker-json/engine-types';
import { dockerCli } from './docker-cli';
import { parseInspect, parseLogs, parsePs, parseStats } from './docker-cli-output';
import { DockerSshRunner } from './docker-ssh.runner';
import { DockerSshExecService } from './exec/docker-ssh-exec.service';
import { DockerSshLogFollower } from './ssh-log-follow';
import { cliOf } from './ssh-target-chains';
import type { SshTargetEntity } from './ssh-target.entity';
import { SshTargetsService } from './ssh-targets.service';

/** A host's status probe must not hold up the host list for long. */
const PROBE_TIMEOUT_MS = 5_000;
/** docker stop/restart wait 10 s for a container before killing it. */
const ACTION_TIMEOUT_MS = 30_000;

/**
 * The docker-ssh source: the docker CLI run on SSH targets over pooled connections. Refs are
 * validated before a target is even looked up; the CLI output is normalized to the contracts.
 */
@Injectable()
export class DockerSshService implements ContainerSource, OnModuleInit {
  readonly kind = 'docker-ssh';
  readonly capabilities: readonly Capability[] = ['inspect', 'stats', 'logs', 'manage', 'exec'];

  constructor(
    private readonly targets: SshTargetsService,
    private readonly runner: DockerSshRunner,
    private readonly registry: SourceRegistry,
    private readonly exec: DockerSshExecService,
    private readonly follower: DockerSshLogFollower,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async listHosts(): Promise<ContainerHost[]> {
    const targets = await this.targets.entities();
    return Promise.all(targets.map((target) => this.probe(target)));
  }

  async hostName(hostId: string): Promise<string> {
    return (await this.targets.require(hostId)).name;
  }

  async listContainers(hostId: string): Promise<ContainerSummary[]> {
    const target = await this.targets.require(hostId);
    const result = await this.runner.read(target, dockerCli.ps(cliOf(target)), 'docker ps');
    return parsePs(result.stdout);
  }

  async getContainer(hostId: string, ref: string): Promise<ContainerDetail> {
    assertContainerRef(ref);
    const target = await this.targets.require(hostId);
    const argv = dockerCli.inspect(cliOf(target), ref);
    const result = await this.runner.read(target, argv, `docker inspect ${ref}`);
    return toContainerDetail(parseInspect(result.stdout) as EngineInspect);
  }

  async getLogs(hostId: string, ref: string, options: LogOptions): Promise<ContainerLogs> {
    assertContainerRef(ref);
    const target = await this.targets.require(hostId);
    const argv = dockerCli.logs(cliOf(target), ref, options.tail, options);
    const result = await this.runner.read(target, argv, `docker logs ${ref}`, {
      allowTruncated: true,
    });
    return parseLogs(result.stdout, result.stderr, {
      timestamps: options.timestamps,
      truncated: result.truncated,
    });
  }

  async followLogs(
    hostId: string,
    ref: string,
    options: FollowOptions,
    onLine: (line: FollowedLine) => void,
  ): Promise<LogFollow> {
    assertContainerRef(ref);
    return this.follower.open(await this.targets.require(hostId), ref, options, onLine);
  }

  async getStats(hostId: string, ref: string): Promise<ContainerStats> {
    assertContainerRef(ref);
    const target = await this.targets.require(hostId);
    const argv = dockerCli.stats(cliOf(target), ref);
    return parseStats((await this.runner.read(target, argv, `docker stats ${ref}`)).stdout);
  }

  async runAction(
    hostId: string,
    ref: string,
    action: ContainerAction,
    options: ActionOptions,
  ): Promise<ActionOutcome> {
    assertContainerRef(ref);
    if (!CONTAINER_ACTIONS.includes(action)) {
      throw new AppError(
        ErrorCode.BadRequest,
        `action must be one of ${CONTAINER_ACTIONS.join(', ')}`,
      );
    }
    const target = await this.targets.require(hostId);
    const argv = dockerCli.action(cliOf(target), action, ref, options.force);
    await this.runner.run(target, argv, `docker ${action} ${ref}`, {
      timeoutMs: ACTION_TIMEOUT_MS,
    });
    return 'done';
  }

  async openExec(hostId: string, ref: string, request: ExecRequest): Promise<SourceExec> {
    assertContainerRef(ref);
    return this.exec.open(await this.targets.require(hostId), ref, request);
  }

  /** Status and container count of one target; never throws. */
  private async probe(target: SshTargetEntity): Promise<ContainerHost> {
    const host: Pick<ContainerHost, 'source' | 'hostId' | 'name' | 'capabilities'> = {
      source: this.kind,
      hostId: target.id,
      name: target.name,
      capabilities: [...this.capabilities],
    };
    const seen = (): string | null => this.runner.lastSeen(target.id)?.toISOString() ?? null;
    if (target.hostKeyFingerprint === null) {
      return { ...host, status: 'unknown', containerCount: null, lastSeenAt: seen() };
    }
    const argv = dockerCli.psIds(cliOf(target));
    const counted = this.runner
      .read(target, argv, 'docker ps', { timeoutMs: PROBE_TIMEOUT_MS })
      .then((result) => result.stdout.split('\n').filter((line) => line.trim() !== '').length);
    const count = await withDeadline(counted, PROBE_TIMEOUT_MS).catch(() => null);
    return count === null
      ? { ...host, status: 'unreachable', containerCount: null, lastSeenAt: seen() }
      : { ...host, status: 'online', containerCount: count, lastSeenAt: seen() };
  }
}

/** Connecting counts against a probe too: a silent host must not hold up the host list. */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
