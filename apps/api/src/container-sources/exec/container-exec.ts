import type { SourceKind } from '@archnest/contracts';
import { EXEC_CLOSE } from '@archnest/contracts';
import { Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service';
import type { AuthUser } from '../../common/decorators/current-user.decorator';
import { assertContainerRef } from '../container-ref';
import { SourceRegistry } from '../source-registry';
import { SocketRefusal } from '../sockets/socket-auth';
import type { ExecHandle } from './exec-handle';
import type { StartMessage } from './exec-messages';

/**
 * Opens a shell through the source named in the start message and audits its start and end,
 * the same way for every source: `<source>.exec.start|end` on `<source>:<host>/<container>`.
 */
@Injectable()
export class ContainerExec {
  constructor(
    private readonly registry: SourceRegistry,
    private readonly audit: AuditService,
  ) {}

  async open(actor: AuthUser, start: StartMessage, kind: SourceKind): Promise<ExecHandle> {
    const source = this.registry.sourceWith(kind, 'exec');
    const ref = assertContainerRef(start.container);
    const target = `${kind}:${await source.hostName(start.hostId)}/${ref}`;
    const exec = await this.audit.recordOutcome(
      {
        actor: actor.username,
        action: `${kind}.exec.start`,
        target,
        context: `hostId=${start.hostId}`,
      },
      () => source.openExec(start.hostId, ref, start),
      ({ shell }) => `shell=${shell}`,
    );
    return { ...exec, source: kind, target };
  }

  recordEnd(actor: AuthUser, handle: ExecHandle, detail: string): Promise<void> {
    return this.audit.record({
      actor: actor.username,
      action: `${handle.source}.exec.end`,
      target: handle.target,
      result: 'success',
      detail,
    });
  }
}

/** The source a start message asks for on a path; an alias path has one source only. */
export function sourceOf(start: StartMessage, fixed: SourceKind | undefined): SourceKind {
  if (fixed && start.source !== undefined && start.source !== fixed) {
    throw new SocketRefusal(EXEC_CLOSE.badRequest, `source must be ${fixed} on this path`);
  }
  const kind = fixed ?? start.source;
  if (!kind) {
    throw new SocketRefusal(EXEC_CLOSE.badRequest, 'start needs source');
  }
  return kind;
}
