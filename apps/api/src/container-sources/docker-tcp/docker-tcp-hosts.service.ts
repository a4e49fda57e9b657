import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditService } from '../../audit/audit.service';
import { CryptoService } from '../../common/crypto/crypto.service';
import type { AuthUser } from '../../common/decorators/current-user.decorator';
import { AppError, ErrorCode } from '../../common/errors/app-error';
import {
  CreateDockerHostDto,
  DockerHostResponse,
  DockerHostTestResponse,
  toDockerHostResponse,
  UpdateDockerHostDto,
} from './docker-host.dto';
import { DockerHostEntity } from './docker-host.entity';
import { DockerTcpHostsRepository } from './docker-tcp-hosts.repository';
import { DockerTcpEngineClients, SAFE_TO_RESEND } from './engine-client';
import { engineVersion } from './engine-operations';
import { parseEngineUrl } from './engine-url';
import { DockerTcpStatsCollector } from './stats-collector';
import { assertTlsMaterial, type TlsMaterial } from './tls-material';

/** Checks an endpoint and its TLS material before anything connects or is stored. */
function checkEndpoint(url: string, tls: TlsMaterial | null): void {
  const endpoint = parseEngineUrl(url);
  if (tls && endpoint.kind !== 'tcp') {
    throw new AppError(ErrorCode.BadRequest, 'tls applies to tcp:// endpoints only');
  }
  if (tls) {
    assertTlsMaterial(tls);
  }
}

function notSaved(error: unknown): unknown {
  if (!(error instanceof AppError)) {
    return error;
  }
  return new AppError(
    error.code,
    `${error.message}. Nothing was saved; fix the endpoint, or save with ?verify=false to add an engine that is down.`,
  );
}

/** The admin-managed inventory of Docker Engine endpoints (docs/docker-tcp.md). */
@Injectable()
export class DockerTcpHostsService {
  constructor(
    private readonly hosts: DockerTcpHostsRepository,
    private readonly engines: DockerTcpEngineClients,
    private readonly crypto: CryptoService,
    private readonly audit: AuditService,
    private readonly collector: DockerTcpStatsCollector,
  ) {}

  async list(): Promise<DockerHostResponse[]> {
    return (await this.hosts.list()).map(toDockerHostResponse);
  }

  async create(
    actor: AuthUser,
    dto: CreateDockerHostDto,
    verify: boolean,
  ): Promise<DockerHostResponse> {
    const tls = dto.tls ? { ca: dto.tls.ca, cert: dto.tls.cert, key: dto.tls.key } : null;
    checkEndpoint(dto.url, tls);
    await this.assertNameFree(dto.name);
    const host = await this.audited(
      actor,
      'create',
      dto.name,
      async () => {
        const verifiedAt = verify ? await this.verify(dto.name, dto.url, tls) : null;
        return this.hosts.save({
          id: randomUUID(),
          name: dto.name,
          url: dto.url,
          tlsSealed: tls ? this.crypto.seal(JSON.stringify(tls)) : null,
          lastSeenAt: verifiedAt,
        } as DockerHostEntity);
      },
      (saved) => describe(saved, verify),
    );
    this.collector.watch(host);
    return toDockerHostResponse(host);
  }

  async update(
    actor: AuthUser,
    id: string,
    dto: UpdateDockerHostDto,
    verify: boolean,
  ): Promise<DockerHostResponse> {
    const host = await this.hosts.require(id);
    if (dto.name !== undefined && dto.name !== host.name) {
      await this.assertNameFree(dto.name, id);
    }
    const url = dto.url ?? host.url;
    const tls = dto.tls === undefined ? this.openTls(host) : dto.tls;
    const endpointChanged = dto.url !== undefined || dto.tls !== undefined;
    if (endpointChanged) {
      checkEndpoint(url, tls);
    }
    const saved = await this.audited(
      actor,
      'update',
      dto.name ?? host.name,
      async () => {
        if (endpointChanged && verify) {
          host.lastSeenAt = await this.verify(dto.name ?? host.name, url, tls);
        }
        Object.assign(host, { name: dto.name ?? host.name, url });
        if (dto.tls !== undefined) {
          host.tlsSealed = tls ? this.crypto.seal(JSON.stringify(tls)) : null;
        }
        return this.hosts.save(host);
      },
      () => changedFields(dto),
    );
    this.engines.forget(id);
    this.collector.watch(saved);
    return toDockerHostResponse(saved);
  }

  async remove(actor: AuthUser, id: string): Promise<void> {
    const host = await this.hosts.require(id);
    await this.audited(
      actor,
      'delete',
      host.name,
      () => this.hosts.delete(id),
      () => `hostId=${id}`,
    );
    this.engines.forget(id);
    this.collector.forget(id);
  }

  /** The engine's version, or a readable reason; never throws for an engine that is down. */
  async test(id: string): Promise<DockerHostTestResponse> {
    const host = await this.hosts.require(id);
    const started = Date.now();
    try {
      const version = await this.engines.call(host, engineVersion, SAFE_TO_RESEND);
      await this.hosts.markSeen([id], new Date());
      return {
        ok: true,
        version: version.Version ?? null,
        apiVersion: version.ApiVersion ?? null,
        platform: version.Os && version.Arch ? `${version.Os}/${version.Arch}` : null,
        latencyMs: Date.now() - started,
        reason: null,
      };
    } catch (error) {
      if (!(error instanceof AppError)) {
        throw error;
      }
      const failed = { version: null, apiVersion: null, platform: null };
      return { ok: false, ...failed, latencyMs: Date.now() - started, reason: error.message };
    }
  }

  /** Connects before saving; a failure is answered with the engine's reason. */
  private async verify(name: string, url: string, tls: TlsMaterial | null): Promise<Date> {
    try {
      await this.engines.callEndpoint(name, url, tls, engineVersion);
      return new Date();
    } catch (error) {
      throw notSaved(error);
    }
  }

  private openTls(host: DockerHostEntity): TlsMaterial | null {
    return host.tlsSealed ? (JSON.parse(this.crypto.open(host.tlsSealed)) as TlsMaterial) : null;
  }

  private async assertNameFree(name: string, exceptId?: string): Promise<void> {
    if (await this.hosts.nameTaken(name, exceptId)) {
      throw new AppError(ErrorCode.Conflict, `A Docker host named "${name}" already exists`);
    }
  }

  private audited<T>(
    actor: AuthUser,
    verb: 'create' | 'update' | 'delete',
    name: string,
    work: () => Promise<T>,
    describe: (result: T) => string,
  ): Promise<T> {
    return this.audit.recordOutcome(
      { actor: actor.username, action: `docker-tcp.host.${verb}`, target: `docker-tcp:${name}` },
      work,
      describe,
    );
  }
}

function describe(host: DockerHostEntity, verified: boolean): string {
  const tls = host.tlsSealed ? 'tls' : 'no tls';
  return `hostId=${host.id} url=${host.url} ${tls}${verified ? '' : ', not verified'}`;
}

/** Names what changed, never the values (TLS keys must not reach the audit log). */
function changedFields(dto: UpdateDockerHostDto): string {
  const fields = Object.entries(dto)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key);
  return `changed=${fields.join(',') || 'nothing'}`;
}
