import { Injectable } from '@nestjs/common';
import type { SshHop } from '../../ssh/ssh-hop';
import type { PoolTarget } from '../../ssh/ssh-pool';
import { chainOf } from './jump-chain';
import type { DockerCli } from './docker-cli';
import { SshTargetSecrets } from './ssh-target-secrets';
import type { SshTargetEntity } from './ssh-target.entity';
import { SshTargetsRepository } from './ssh-targets.repository';

/** Turns stored targets into what the transport needs: hop chains and pool keys. */
@Injectable()
export class SshTargetChains {
  constructor(
    private readonly targets: SshTargetsRepository,
    private readonly secrets: SshTargetSecrets,
  ) {}

  /** The stored chain of a target, jump hosts first; nothing decrypted. */
  links(targetId: string): Promise<SshTargetEntity[]> {
    return chainOf(targetId, (id) => this.targets.findById(id));
  }

  /** The chain with credentials opened, for one connect. */
  async hops(targetId: string): Promise<SshHop[]> {
    return (await this.links(targetId)).map((link) => this.hopOf(link));
  }

  hopOf(target: SshTargetEntity): SshHop {
    return {
      id: target.id,
      name: target.name,
      host: target.host,
      port: target.port,
      fingerprint: target.hostKeyFingerprint,
      credentials: { username: target.username, ...this.secrets.open(target.credentialsSealed) },
    };
  }

  poolTarget(target: SshTargetEntity): PoolTarget {
    return {
      id: target.id,
      name: target.name,
      host: target.host,
      port: target.port,
      loadChain: () => this.hops(target.id),
    };
  }
}

export function cliOf(target: SshTargetEntity): DockerCli {
  return { command: target.dockerCommand, host: target.dockerHost };
}
