import { Injectable, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { ClientChannel } from 'ssh2';
import { errorReason } from '../../../common/errors/error-reason';
import { toShellCommand } from '../../../ssh/shell-quote';
import { SshPool } from '../../../ssh/ssh-pool';
import type { ExecRequest, SourceExec } from '../../exec/exec-handle';
import { dockerCli, type ShellName } from '../docker-cli';
import { dockerFailure } from '../docker-cli-errors';
import { DockerSshRunner } from '../docker-ssh.runner';
import { cliOf, SshTargetChains } from '../ssh-target-chains';
import type { SshTargetEntity } from '../ssh-target.entity';

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
    private readonly chains: SshTargetChains,
    private readonly pool: SshPool,
    private readonly runner: DockerSshRunner,
  ) {}

  async open(target: SshTargetEntity, ref: string, request: ExecRequest): Promise<SourceExec> {
    const shell = await this.pickShell(target, ref, request.shell);
    const session: Session = { target, ref, shell, id: randomBytes(16).toString('hex') };
    const command = toShellCommand(dockerCli.shell(cliOf(target), ref, shell, session.id));
    const channel = await this.pool.openExec(this.chains.poolTarget(target), command, {
      pty: { cols: request.cols, rows: request.rows, height: 0, width: 0, term: 'xterm-256color' },
    });
    return this.handle(session, channel);
  }

  /** bash if the container has it (and the client did not ask for sh), else sh. */
  private async pickShell(
    target: SshTargetEntity,
    ref: string,
    preferred: ExecRequest['shell'],
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

  private handle(session: Session, channel: ClientChannel): SourceExec {
    let exitCode: number | null = null;
    channel.on('exit', (code: unknown) => (exitCode = typeof code === 'number' ? code : null));
    return {
      shell: session.shell,
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
      this.logger.warn(`Could not end exec session ${id} on ${target.name}: ${errorReason(error)}`);
    });
  }
}
