import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { ClientChannel } from 'ssh2';
import { AuditService } from '../../../audit/audit.service';
import type { AuthUser } from '../../../common/decorators/current-user.decorator';
import { AppError } from '../../../common/errors/app-error';
import { toShellCommand } from '../../../ssh/shell-quote';
import { SshPool } from '../../../ssh/ssh-pool';
import { assertContainerRef } from '../../container-ref';
import type { ExecHandle } from '../../exec/exec-backend';
import type { StartMessage } from '../../exec/exec-messages';
import { dockerCli, type ShellName } from '../docker-cli';
import { dockerFailure } from '../docker-cli-errors';
import { DockerSshRunner } from '../docker-ssh.runner';
import { cliOf, SshTargetChains } from '../ssh-target-chains';
import type { SshTargetEntity } from '../ssh-target.entity';
import { SshTargetsService } from '../ssh-targets.service';

interface Session {
  target: SshTargetEntity;
  ref: string;
  shell: ShellName;
  id: string;
}

/**
 * Interactive shells over SSH: `docker exec -it <ref> <shell>` on a pty channel of the target's
 * pooled connection. A dropped client leaves the container's shell running (docker does not end
 * it), so when the session ends every process marked with the session id is killed.
 */
@Injectable()
export class DockerSshExecService {
  private readonly logger = new Logger(DockerSshExecService.name);

  constructor(
    private readonly targets: SshTargetsService,
    private readonly chains: SshTargetChains,
    private readonly pool: SshPool,
    private readonly runner: DockerSshRunner,
    private readonly audit: AuditService,
  ) {}

  async open(actor: AuthUser, start: StartMessage): Promise<ExecHandle> {
    const ref = assertContainerRef(start.container);
    const target = await this.targets.require(start.hostId);
    const auditTarget = `docker-ssh:${target.name}/${ref}`;
    try {
      const shell = await this.pickShell(target, ref, start.shell);
      const session: Session = { target, ref, shell, id: randomBytes(16).toString('hex') };
      const command = toShellCommand(dockerCli.shell(cliOf(target), ref, shell, session.id));
      const channel = await this.pool.openExec(this.chains.poolTarget(target), command, {
        pty: { cols: start.cols, rows: start.rows, height: 0, width: 0, term: 'xterm-256color' },
      });
      await this.record(
        actor,
        'start',
        auditTarget,
        'success',
        `hostId=${target.id} shell=${shell}`,
      );
      return this.handle(session, channel, auditTarget);
    } catch (error) {
      const reason = error instanceof AppError ? error.message : 'unexpected error';
      await this.record(actor, 'start', auditTarget, 'failure', `hostId=${target.id} ${reason}`);
      throw error;
    }
  }

  recordEnd(actor: AuthUser, target: string, detail: string): Promise<void> {
    return this.record(actor, 'end', target, 'success', detail);
  }

  /** bash if the container has it (and the client did not ask for sh), else sh. */
  private async pickShell(
    target: SshTargetEntity,
    ref: string,
    preferred: StartMessage['shell'],
  ): Promise<ShellName> {
    if (preferred === 'sh') {
      return 'sh';
    }
    const probe = dockerCli.hasBash(cliOf(target), ref);
    const result = await this.runner.exec(target, probe, `docker exec ${ref}`);
    if (result.exitCode === 0) {
      return 'bash';
    }
    // A missing or stopped container fails the probe with docker's own message.
    if (/No such container|is not running|is paused|is restarting/i.test(result.stderr)) {
      throw dockerFailure(target.name, `exec in ${ref}`, result);
    }
    return 'sh';
  }

  private handle(session: Session, channel: ClientChannel, auditTarget: string): ExecHandle {
    let exitCode: number | null = null;
    channel.on('exit', (code: unknown) => (exitCode = typeof code === 'number' ? code : null));
    return {
      shell: session.shell,
      target: auditTarget,
      stream: channel,
      resize: (cols, rows) => {
        channel.setWindow(rows, cols, 0, 0);
        return Promise.resolve();
      },
      exitCode: () => Promise.resolve(exitCode),
      terminate: () => this.reap(session),
    };
  }

  /** Kills what the session left in the container: the shell and anything started from it. */
  private async reap({ target, ref, shell, id }: Session): Promise<void> {
    const argv = dockerCli.endShell(cliOf(target), ref, shell, id);
    await this.runner.run(target, argv, `end exec session in ${ref}`).catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.warn(`Could not end exec session ${id} on ${target.name}: ${reason}`);
    });
  }

  private record(
    actor: AuthUser,
    phase: 'start' | 'end',
    target: string,
    result: 'success' | 'failure',
    detail: string,
  ): Promise<void> {
    return this.audit.record({
      actor: actor.username,
      action: `docker-ssh.exec.${phase}`,
      target,
      result,
      detail,
    });
  }
}
