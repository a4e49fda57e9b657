import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { AgentHost } from '@archnest/contracts';
import { firstValueFrom } from 'rxjs';

// Response shapes of the Docker TCP and SSH inventory routes (their DTOs live in the API:
// container-sources/docker-tcp/docker-host.dto.ts and docker-ssh/ssh-target.dto.ts).

export interface DockerHost {
  id: string;
  name: string;
  url: string;
  tls: { configured: boolean };
  lastSeenAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DockerTls {
  ca: string;
  cert: string;
  key: string;
}

export interface DockerHostInput {
  name: string;
  url: string;
  /** Omitted: keep what is stored; null: remove it. Write-only: never read back. */
  tls?: DockerTls | null;
}

export interface DockerHostTest {
  ok: boolean;
  version: string | null;
  apiVersion: string | null;
  platform: string | null;
  latencyMs: number;
  reason: string | null;
}

export type SshAuthMethod = 'password' | 'key';

export interface SshTarget {
  id: string;
  name: string;
  host: string;
  port: number;
  username: string;
  authMethod: SshAuthMethod;
  jumpTargetId: string | null;
  /** null: not pinned yet, nothing runs on the target until an admin accepts a scanned key. */
  hostKeyFingerprint: string | null;
  dockerCommand: string;
  dockerHost: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SshTargetInput {
  name?: string;
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  privateKey?: string;
  passphrase?: string;
  jumpTargetId?: string | null;
  dockerCommand?: string;
  dockerHost?: string | null;
}

export interface HostKeyScan {
  fingerprint: string;
  keyType: string;
  /** Whether this is the fingerprint already pinned. */
  pinned: boolean;
}

export interface SshTargetTest {
  dockerVersion: string;
  latencyMs: number;
  /** Names of the hops, jump hosts first. */
  chain: string[];
}

const DOCKER_HOSTS = '/api/docker/hosts';
const SSH_TARGETS = '/api/docker-ssh/targets';

/** The inventories of the three sources (admin routes, except the agent host list). */
@Injectable({ providedIn: 'root' })
export class HostsApi {
  private readonly http = inject(HttpClient);

  dockerHosts(): Promise<DockerHost[]> {
    return firstValueFrom(this.http.get<DockerHost[]>(DOCKER_HOSTS));
  }

  createDockerHost(input: DockerHostInput, verify: boolean): Promise<DockerHost> {
    return firstValueFrom(
      this.http.post<DockerHost>(DOCKER_HOSTS, input, { params: verifyParam(verify) }),
    );
  }

  updateDockerHost(id: string, input: DockerHostInput, verify: boolean): Promise<DockerHost> {
    return firstValueFrom(
      this.http.patch<DockerHost>(`${DOCKER_HOSTS}/${encodeURIComponent(id)}`, input, {
        params: verifyParam(verify),
      }),
    );
  }

  removeDockerHost(id: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`${DOCKER_HOSTS}/${encodeURIComponent(id)}`));
  }

  testDockerHost(id: string): Promise<DockerHostTest> {
    return firstValueFrom(
      this.http.post<DockerHostTest>(`${DOCKER_HOSTS}/${encodeURIComponent(id)}/test`, null),
    );
  }

  sshTargets(): Promise<SshTarget[]> {
    return firstValueFrom(this.http.get<SshTarget[]>(SSH_TARGETS));
  }

  createSshTarget(input: SshTargetInput): Promise<SshTarget> {
    return firstValueFrom(this.http.post<SshTarget>(SSH_TARGETS, input));
  }

  updateSshTarget(id: string, input: SshTargetInput): Promise<SshTarget> {
    return firstValueFrom(
      this.http.patch<SshTarget>(`${SSH_TARGETS}/${encodeURIComponent(id)}`, input),
    );
  }

  removeSshTarget(id: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`${SSH_TARGETS}/${encodeURIComponent(id)}`));
  }

  scanHostKey(id: string): Promise<HostKeyScan> {
    return firstValueFrom(
      this.http.post<HostKeyScan>(`${SSH_TARGETS}/${encodeURIComponent(id)}/host-key/scan`, null),
    );
  }

  acceptHostKey(id: string, fingerprint: string): Promise<SshTarget> {
    return firstValueFrom(
      this.http.post<SshTarget>(`${SSH_TARGETS}/${encodeURIComponent(id)}/host-key/accept`, {
        fingerprint,
      }),
    );
  }

  testSshTarget(id: string): Promise<SshTargetTest> {
    return firstValueFrom(
      this.http.post<SshTargetTest>(`${SSH_TARGETS}/${encodeURIComponent(id)}/test`, null),
    );
  }

  agentHosts(): Promise<AgentHost[]> {
    return firstValueFrom(this.http.get<AgentHost[]>('/api/agents/docker/hosts'));
  }
}

function verifyParam(verify: boolean): HttpParams {
  return new HttpParams().set('verify', verify);
}
