import { Injectable } from '@nestjs/common';
import { AppError, ErrorCode } from '../../common/errors/app-error';
import {
  CommandTimeoutError,
  DEFAULT_COMMAND_OPTIONS,
  type CommandOptions,
  type CommandResult,
} from '../../ssh/exec-command';
import { sshErrors } from '../../ssh/ssh-errors';
import { describeHop } from '../../ssh/ssh-hop';
import { SshPool } from '../../ssh/ssh-pool';
import { dockerFailure } from './docker-cli-errors';
import { SshTargetChains } from './ssh-target-chains';
import type { SshTargetEntity } from './ssh-target.entity';

export interface RunOptions extends Partial<CommandOptions> {
  /** Output cut at the cap is a result (logs), not a failure. */
  allowTruncated?: boolean;
}

/** Runs docker commands on a target's pooled connection; non-zero exits become AppErrors. */
@Injectable()
export class DockerSshRunner {
  private readonly seen = new Map<string, Date>();
  private readonly inFlight = new Map<string, Promise<CommandResult>>();

  constructor(
    private readonly pool: SshPool,
    private readonly chains: SshTargetChains,
  ) {}

  /** When a command last succeeded on the target, in this process. */
  lastSeen(targetId: string): Date | null {
    return this.seen.get(targetId) ?? null;
  }

  /**
   * A read-only command; identical reads of one target that overlap share one run (a burst of
   * list requests costs the target one `docker ps`). Never for actions.
   */
  read(
    target: SshTargetEntity,
    argv: string[],
    what: string,
    options: RunOptions = {},
  ): Promise<CommandResult> {
    const key = JSON.stringify([target.id, target.updatedAt, argv, options]);
    const running = this.inFlight.get(key);
    if (running) {
      return running;
    }
    const result = this.run(target, argv, what, options).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, result);
    return result;
  }

  /** Runs a docker command; anything but a clean exit 0 is an AppError. */
  async run(
    target: SshTargetEntity,
    argv: string[],
    what: string,
    options: RunOptions = {},
  ): Promise<CommandResult> {
    const limits = { ...DEFAULT_COMMAND_OPTIONS, ...options };
    const result = await this.exec(target, argv, what, limits);
    if (result.truncated && !options.allowTruncated) {
      throw new AppError(
        ErrorCode.SourceUnreachable,
        `${what} on target '${target.name}' printed more than ${limits.maxOutputBytes} bytes`,
      );
    }
    if (result.exitCode !== 0 && !result.truncated) {
      throw dockerFailure(target.name, what, result);
    }
    return result;
  }

  /** Runs a command and returns whatever exit code it had; a lost session is an AppError. */
  async exec(
    target: SshTargetEntity,
    argv: string[],
    what: string,
    options: Partial<CommandOptions> = {},
  ): Promise<CommandResult> {
    const limits = { ...DEFAULT_COMMAND_OPTIONS, ...options };
    const pooled = this.chains.poolTarget(target);
    const result = await this.pool.run(pooled, argv, limits).catch((error: unknown) => {
      throw error instanceof CommandTimeoutError
        ? sshErrors.timeout(target, `running ${what} on`, limits.timeoutMs)
        : error;
    });
    if (result.exitCode === null && !result.truncated) {
      throw new AppError(
        ErrorCode.SourceUnreachable,
        `${what} was cut off: the SSH session to target ${describeHop(target)} ended`,
      );
    }
    this.seen.set(target.id, new Date());
    return result;
  }
}
