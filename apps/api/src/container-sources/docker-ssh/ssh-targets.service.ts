import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditService } from '../../audit/audit.service';
import type { AuthUser } from '../../common/decorators/current-user.decorator';
import { AppError, ErrorCode } from '../../common/errors/app-error';
import { SshConnector } from '../../ssh/ssh-connector';
import { SshPool } from '../../ssh/ssh-pool';
import { dockerCli } from './docker-cli';
import { DockerSshRunner } from './docker-ssh.runner';
import { assertValidChain } from './jump-chain';
import {
  CreateSshTargetDto,
  HostKeyScanResponse,
  SshTargetResponse,
  SshTargetTestResponse,
  toSshTargetResponse,
  UpdateSshTargetDto,
} from './ssh-target.dto';
import { cliOf, SshTargetChains } from './ssh-target-chains';
import { authMethodOf, SshTargetSecrets, type TargetSecrets } from './ssh-target-secrets';
import type { SshTargetEntity } from './ssh-target.entity';
import { SshTargetsRepository } from './ssh-targets.repository';

const EDITABLE = ['name', 'host', 'port', 'username', 'dockerCommand'] as const;

/** Where a target is, for the audit log; never its credentials. */
function describe(target: SshTargetEntity): string {
  const via = target.jumpTargetId ? `, via jump target ${target.jumpTargetId}` : '';
  return `${target.username}@${target.host}:${target.port}, ${target.authMethod} auth${via}`;
}

/** Admin inventory of SSH targets: CRUD, host-key pinning, connection test. */
/** A saved row and what the audit log says about the change. */
interface Audited {
  row: SshTargetEntity;
  detail: string;
}

@Injectable()
export class SshTargetsService {
  constructor(
    private readonly targets: SshTargetsRepository,
    private readonly secrets: SshTargetSecrets,
    private readonly chains: SshTargetChains,
    private readonly connector: SshConnector,
    private readonly pool: SshPool,
    private readonly runner: DockerSshRunner,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<SshTargetResponse[]> {
    return (await this.targets.list()).map(toSshTargetResponse);
  }

  entities(): Promise<SshTargetEntity[]> {
    return this.targets.list();
  }

  async get(id: string): Promise<SshTargetResponse> {
    return toSshTargetResponse(await this.require(id));
  }

  async require(id: string): Promise<SshTargetEntity> {
    const target = await this.targets.findById(id);
    if (!target) {
      throw new AppError(ErrorCode.NotFound, `SSH target ${id} not found`);
    }
    return target;
  }

  async create(actor: AuthUser, dto: CreateSshTargetDto): Promise<SshTargetResponse> {
    await this.assertNameFree(dto.name);
    const secrets = this.secrets.forCreate(dto);
    const now = new Date();
    const target: SshTargetEntity = {
      id: randomUUID(),
      name: dto.name,
      host: dto.host,
      port: dto.port,
      username: dto.username,
      ...this.sealed(secrets),
      jumpTargetId: dto.jumpTargetId ?? null,
      hostKeyFingerprint: null,
      dockerCommand: dto.dockerCommand ?? 'docker',
      dockerHost: dto.dockerHost ?? null,
      createdAt: now,
      updatedAt: now,
    };
    await assertValidChain(target, (id) => this.targets.findById(id));
    const saved = await this.audited(actor, 'docker-ssh.target.create', target.name, () =>
      this.targets.save(target).then((row) => ({ row, detail: describe(row) })),
    );
    return toSshTargetResponse(saved);
  }

  async update(actor: AuthUser, id: string, dto: UpdateSshTargetDto): Promise<SshTargetResponse> {
    const target = await this.require(id);
    if (dto.name !== undefined && dto.name !== target.name) {
      await this.assertNameFree(dto.name);
    }
    const secrets = this.secrets.forUpdate(dto, target.credentialsSealed);
    const changed = this.applyChanges(target, dto);
    if (secrets) {
      Object.assign(target, this.sealed(secrets));
      changed.push('credentials');
    }
    await assertValidChain(target, (hopId) => this.targets.findById(hopId));
    const detail = `changed ${changed.join(', ') || 'nothing'}`;
    const saved = await this.audited(actor, 'docker-ssh.target.update', target.name, () =>
      this.targets.save(target).then((row) => ({ row, detail })),
    );
    this.pool.invalidate(id);
    return toSshTargetResponse(saved);
  }

  async remove(actor: AuthUser, id: string): Promise<void> {
    const target = await this.require(id);
    const dependents = await this.targets.jumpingThrough(id);
    if (dependents.length > 0) {
      const names = dependents.map((t) => `'${t.name}'`).join(', ');
      throw new AppError(ErrorCode.Conflict, `'${target.name}' is the jump host of ${names}`);
    }
    await this.audited(actor, 'docker-ssh.target.delete', target.name, () =>
      this.targets.delete(id).then(() => ({ row: target, detail: describe(target) })),
    );
    this.pool.invalidate(id);
  }

  /** Reads the key the target presents now, through its (pinned) jump hosts. */
  async scanHostKey(id: string): Promise<HostKeyScanResponse> {
    const target = await this.require(id);
    const scanned = await this.scan(target);
    return { ...scanned, pinned: scanned.fingerprint === target.hostKeyFingerprint };
  }

  /** Pins `fingerprint` if, and only if, it is what the target presents right now. */
  async acceptHostKey(
    actor: AuthUser,
    id: string,
    fingerprint: string,
  ): Promise<SshTargetResponse> {
    const target = await this.require(id);
    const saved = await this.audited(actor, 'docker-ssh.host-key.accept', target.name, () =>
      this.pin(target, fingerprint),
    );
    this.pool.invalidate(id);
    return toSshTargetResponse(saved);
  }

  private async pin(target: SshTargetEntity, fingerprint: string): Promise<Audited> {
    const scanned = await this.scan(target);
    if (scanned.fingerprint !== fingerprint) {
      throw new AppError(
        ErrorCode.Conflict,
        `host key mismatch for target '${target.name}': it presents ${scanned.fingerprint}, ` +
          `not ${fingerprint}. Nothing was pinned.`,
      );
    }
    const previous = target.hostKeyFingerprint;
    target.hostKeyFingerprint = fingerprint;
    const row = await this.targets.save(target);
    const detail = `pinned ${fingerprint} (${scanned.keyType})${previous ? `, was ${previous}` : ''}`;
    return { row, detail };
  }

  /** Runs `docker version` on the target: proves the chain, the keys, the login and docker. */
  async test(id: string): Promise<SshTargetTestResponse> {
    const target = await this.require(id);
    const chain = (await this.chains.links(id)).map((link) => link.name);
    const started = Date.now();
    const result = await this.runner.run(
      target,
      dockerCli.version(cliOf(target)),
      'docker version',
    );
    const version = result.stdout.trim().replace(/^"|"$/g, '');
    return { dockerVersion: version, latencyMs: Date.now() - started, chain };
  }

  private async scan(target: SshTargetEntity): Promise<{ fingerprint: string; keyType: string }> {
    const jumps = (await this.chains.links(target.id)).slice(0, -1);
    return this.connector.scanHostKey(
      jumps.map((jump) => this.chains.hopOf(jump)),
      target,
    );
  }

  private applyChanges(target: SshTargetEntity, dto: UpdateSshTargetDto): string[] {
    const changed: string[] = [];
    for (const field of EDITABLE) {
      const value = dto[field];
      if (value !== undefined && value !== target[field]) {
        Object.assign(target, { [field]: value });
        changed.push(field);
      }
    }
    for (const field of ['jumpTargetId', 'dockerHost'] as const) {
      const value = dto[field];
      if (value !== undefined && value !== target[field]) {
        target[field] = value;
        changed.push(field);
      }
    }
    return changed;
  }

  private sealed(
    secrets: TargetSecrets,
  ): Pick<SshTargetEntity, 'authMethod' | 'credentialsSealed'> {
    return { authMethod: authMethodOf(secrets), credentialsSealed: this.secrets.seal(secrets) };
  }

  private async assertNameFree(name: string): Promise<void> {
    if (await this.targets.findByName(name)) {
      throw new AppError(ErrorCode.Conflict, `An SSH target named '${name}' already exists`);
    }
  }

  /** Records `work` once: success with the detail it returns, or failure with its error. */
  private async audited(
    actor: AuthUser,
    action: string,
    targetName: string,
    work: () => Promise<Audited>,
  ): Promise<SshTargetEntity> {
    const { row } = await this.audit.recordOutcome(
      { actor: actor.username, action, target: `docker-ssh:${targetName}` },
      work,
      ({ detail }) => detail,
    );
    return row;
  }
}
