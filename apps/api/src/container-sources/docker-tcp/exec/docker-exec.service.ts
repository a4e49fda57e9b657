import { Injectable } from '@nestjs/common';
import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import { AuditService } from '../../../audit/audit.service';
import type { AuthUser } from '../../../common/decorators/current-user.decorator';
import { assertContainerRef } from '../../container-ref';
import { DockerHostsRepository } from '../docker-hosts.repository';
import { DockerEngineClients, type EngineHost } from '../engine-client';
import type { StartMessage } from './exec-messages';

/** A running exec: its TTY stream plus the calls that act on it, each with a deadline. */
export interface ExecHandle {
  shell: string;
  /** Audit target, `docker-tcp:<host>/<container>`. */
  target: string;
  stream: Duplex;
  resize(cols: number, rows: number): Promise<void>;
  /** The exit code once the process ended; null if it still runs or the engine is gone. */
  exitCode(): Promise<number | null>;
}

async function drain(stream: NodeJS.ReadableStream): Promise<void> {
  for await (const _chunk of stream) {
    // only waiting for the end
  }
}

/** `bash` if the container has it (probed with sh), else `sh`. */
async function pickShell(
  container: Docker.Container,
  preferred: StartMessage['shell'],
  signal: AbortSignal,
): Promise<string> {
  if (preferred === 'sh') {
    return 'sh';
  }
  const probe = await container.exec({
    Cmd: ['sh', '-c', 'command -v bash'],
    AttachStdout: true,
    AttachStderr: true,
    abortSignal: signal,
  });
  await drain(await probe.start({ abortSignal: signal }));
  const { ExitCode } = await probe.inspect({ abortSignal: signal });
  return ExitCode === 0 ? 'bash' : 'sh';
}

async function startTty(
  docker: Docker,
  ref: string,
  start: StartMessage,
  signal: AbortSignal,
): Promise<{ exec: Docker.Exec; stream: Duplex; shell: string }> {
  const container = docker.getContainer(ref);
  const shell = await pickShell(container, start.shell, signal);
  const exec = await container.exec({
    Cmd: [shell],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    Env: ['TERM=xterm-256color'],
    ConsoleSize: [start.rows, start.cols],
    abortSignal: signal,
  });
  const stream = await exec.start({ hijack: true, stdin: true, Tty: true, abortSignal: signal });
  await exec.resize({ h: start.rows, w: start.cols, abortSignal: signal });
  return { exec, stream, shell };
}

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
      const { exec, stream, shell } = await this.engines.call(host, (docker, signal) =>
        startTty(docker, ref, start, signal),
      );
      await this.record(actor, 'start', target, 'success', `hostId=${host.id} shell=${shell}`);
      return { shell, target, stream, ...this.controls(host, exec) };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      await this.record(actor, 'start', target, 'failure', `hostId=${host.id} error: ${reason}`);
      throw error;
    }
  }

  recordEnd(actor: AuthUser, target: string, detail: string): Promise<void> {
    return this.record(actor, 'end', target, 'success', detail);
  }

  private controls(host: EngineHost, exec: Docker.Exec): Pick<ExecHandle, 'resize' | 'exitCode'> {
    return {
      resize: async (cols, rows) => {
        await this.engines.call(host, (_docker, signal) =>
          exec.resize({ h: rows, w: cols, abortSignal: signal }),
        );
      },
      exitCode: async () => {
        const info = await this.engines
          .call(host, (_docker, signal) => exec.inspect({ abortSignal: signal }))
          .catch(() => null);
        return info && !info.Running ? info.ExitCode : null;
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
