import { Injectable } from '@nestjs/common';
import { AuditService } from '../../../audit/audit.service';
import type { AuthUser } from '../../../common/decorators/current-user.decorator';
import { assertContainerRef } from '../../container-ref';
import { DockerHostsRepository } from '../docker-hosts.repository';
import { DockerEngineClients, SAFE_TO_RESEND, type EngineHost } from '../engine-client';
import { endSession, startTty, type TtyExec } from './engine-exec';
import type { ExecHandle } from '../../exec/exec-backend';
import type { StartMessage } from '../../exec/exec-messages';

const EXIT_POLLS = 10;

/** Opens Engine API exec sessions with a TTY and audits their start and end. */
@Injectable()
export class DockerExecService {
  constructor(
    private readonly hosts: DockerHostsRepository,
    private readonly engines: DockerEngineClients,
    private readonly audit: AuditService,
  ) {}

  async open(actor: AuthUser, start: StartMessage): Promise<ExecHandle> {
    const ref = assertContainerRef(start.container);
    const host = await this.hosts.require(start.hostId);
    const target = `docker-tcp:${host.name}/${ref}`;
    try {
      const tty = await this.engines.call(host, (docker, signal) =>
        startTty(docker, ref, start, signal),
      );
      await this.record(actor, 'start', target, 'success', `hostId=${host.id} shell=${tty.shell}`);
      return { shell: tty.shell, target, stream: tty.stream, ...this.controls(host, ref, tty) };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.record(actor, 'start', target, 'failure', `hostId=${host.id} error: ${reason}`);
      throw error;
    }
  }

  recordEnd(actor: AuthUser, target: string, detail: string): Promise<void> {
    return this.record(actor, 'end', target, 'success', detail);
  }

  private controls(
    host: EngineHost,
    ref: string,
    { exec, sessionId }: TtyExec,
  ): Pick<ExecHandle, 'resize' | 'exitCode' | 'terminate'> {
    return {
      // Killing by marker, resizing and inspecting can all safely be sent twice.
      terminate: () =>
        this.engines.call(
          host,
          (docker, signal) => endSession(docker, ref, sessionId, signal),
          SAFE_TO_RESEND,
        ),
      resize: async (cols, rows) => {
        await this.engines.call(
          host,
          (_docker, signal) => exec.resize({ h: rows, w: cols, abortSignal: signal }),
          SAFE_TO_RESEND,
        );
      },
      exitCode: async () => {
        // The attach stream can close a moment before the engine records the exit.
        for (let attempt = 0; attempt < EXIT_POLLS; attempt++) {
          const info = await this.engines
            .call(host, (_docker, signal) => exec.inspect({ abortSignal: signal }), SAFE_TO_RESEND)
            .catch(() => null);
          if (!info || !info.Running) {
            return info?.ExitCode ?? null;
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return null;
      },
    };
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
      action: `docker-tcp.exec.${phase}`,
      target,
      result,
      detail,
    });
  }
}
