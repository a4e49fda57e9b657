import { Injectable } from '@nestjs/common';
import type { ClientChannel } from 'ssh2';
import { toShellCommand } from '../../ssh/shell-quote';
import { SshPool } from '../../ssh/ssh-pool';
import type { FollowedLine, FollowEnd, FollowOptions, LogFollow } from '../container-source';
import { StreamLines, timestampedLine } from '../logs/log-lines';
import { dockerCli } from './docker-cli';
import { DockerSshRunner } from './docker-ssh.runner';
import { cliOf, SshTargetChains } from './ssh-target-chains';
import type { SshTargetEntity } from './ssh-target.entity';

/** Live log follows over SSH: one channel each, on the target's connection kept for streams. */
@Injectable()
export class DockerSshLogFollower {
  constructor(
    private readonly chains: SshTargetChains,
    private readonly pool: SshPool,
    private readonly runner: DockerSshRunner,
  ) {}

  async open(
    target: SshTargetEntity,
    ref: string,
    options: FollowOptions,
    onLine: (line: FollowedLine) => void,
  ): Promise<LogFollow> {
    // docker's own "No such container" comes as a 404 from here, not as a log line.
    await this.runner.read(target, dockerCli.inspect(cliOf(target), ref), `docker inspect ${ref}`);
    const argv = dockerCli.followLogs(cliOf(target), ref, options.tail, options.since);
    const channel = await this.pool.openStream(
      this.chains.poolTarget(target),
      toShellCommand(argv),
    );
    return followChannel(channel, onLine);
  }
}

/**
 * The lines of `docker logs --follow --timestamps` on an SSH channel: the container's stdout
 * arrives on the channel's stdout, its stderr on the channel's stderr. The channel closes when
 * docker exits (exit 0: the container stopped) or when `stop()` closes it, which ends the remote
 * command too (docker-cli.ts followLogs).
 */
export function followChannel(
  channel: ClientChannel,
  onLine: (line: FollowedLine) => void,
): LogFollow {
  const lines = new StreamLines((stream, raw) => onLine(timestampedLine(stream, raw)));
  let exitCode: number | null = null;
  let stopped = false;
  channel.on('data', (bytes: Buffer) => lines.write('stdout', bytes));
  channel.stderr.on('data', (bytes: Buffer) => lines.write('stderr', bytes));
  channel.on('exit', (code: unknown) => (exitCode = typeof code === 'number' ? code : null));
  const ended = new Promise<FollowEnd>((resolve) =>
    channel.once('close', () => {
      lines.end();
      resolve(followEnd(stopped, exitCode));
    }),
  );
  return {
    ended,
    stop: () => {
      stopped = true;
      channel.end(); // EOF on the remote stdin: the watchdog kills docker logs
      channel.close();
    },
  };
}

function followEnd(stopped: boolean, exitCode: number | null): FollowEnd {
  if (stopped) {
    return { kind: 'ended', reason: 'stopped' };
  }
  if (exitCode === 0) {
    return { kind: 'ended', reason: 'the container stopped' };
  }
  return {
    kind: 'failed',
    reason:
      exitCode === null
        ? 'the SSH connection was lost'
        : `docker logs exited with code ${exitCode}`,
  };
}
