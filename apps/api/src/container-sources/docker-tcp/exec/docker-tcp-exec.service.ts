import { Injectable } from '@nestjs/common';
import type { ExecRequest, SourceExec } from '../../exec/exec-handle';
import { DockerTcpEngineClients, SAFE_TO_RESEND, type EngineHost } from '../engine-client';
import { endSession, startTty, type TtyExec } from './engine-exec';

const EXIT_POLLS = 10;

/** Opens Engine API exec sessions with a TTY and the calls that resize, poll and end them. */
@Injectable()
export class DockerTcpExecService {
  constructor(private readonly engines: DockerTcpEngineClients) {}

  async open(host: EngineHost, ref: string, request: ExecRequest): Promise<SourceExec> {
    const tty = await this.engines.call(host, (docker, signal) =>
      startTty(docker, ref, request, signal),
    );
    return { shell: tty.shell, stream: tty.stream, ...this.controls(host, ref, tty) };
  }

  private controls(
    host: EngineHost,
    ref: string,
    { exec, sessionId }: TtyExec,
  ): Pick<SourceExec, 'resize' | 'exitCode' | 'terminate'> {
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
}
