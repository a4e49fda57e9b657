import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  AcceptHostKeyRequest,
  AgentHost,
  AgentTokenSummary,
  CreateAgentToken,
  CreateDockerHostRequest,
  CreateSshTargetRequest,
  DockerHost,
  DockerHostTest,
  HostKeyScan,
  IssuedAgentToken,
  SshTarget,
  SshTargetTest,
  UpdateDockerHostRequest,
  UpdateSshTargetRequest,
} from '@archnest/contracts';
import { firstValueFrom } from 'rxjs';

const DOCKER_HOSTS = '/api/docker/hosts';
const SSH_TARGETS = '/api/docker-ssh/targets';
const AGENT_TOKENS = '/api/agents/tokens';

/**
 * The inventories of the three sources and the agents' per-host tokens (admin routes, except the
 * agent host list).
 */
@Injectable({ providedIn: 'root' })
export class HostsApi {
  private readonly http = inject(HttpClient);

  dockerHosts(): Promise<DockerHost[]> {
    return firstValueFrom(this.http.get<DockerHost[]>(DOCKER_HOSTS));
  }

  createDockerHost(input: CreateDockerHostRequest, verify: boolean): Promise<DockerHost> {
    return firstValueFrom(
      this.http.post<DockerHost>(DOCKER_HOSTS, input, { params: verifyParam(verify) }),
    );
  }

  updateDockerHost(
    id: string,
    input: UpdateDockerHostRequest,
    verify: boolean,
  ): Promise<DockerHost> {
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

  createSshTarget(input: CreateSshTargetRequest): Promise<SshTarget> {
    return firstValueFrom(this.http.post<SshTarget>(SSH_TARGETS, input));
  }

  updateSshTarget(id: string, input: UpdateSshTargetRequest): Promise<SshTarget> {
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
      } satisfies AcceptHostKeyRequest),
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

  agentTokens(): Promise<AgentTokenSummary[]> {
    return firstValueFrom(this.http.get<AgentTokenSummary[]>(AGENT_TOKENS));
  }

  /** The answer holds the token itself, this once. */
  issueAgentToken(input: CreateAgentToken): Promise<IssuedAgentToken> {
    return firstValueFrom(this.http.post<IssuedAgentToken>(AGENT_TOKENS, input));
  }

  /** A new token for the same host; the old one keeps working for a short overlap. */
  rotateAgentToken(id: string): Promise<IssuedAgentToken> {
    return firstValueFrom(
      this.http.post<IssuedAgentToken>(`${AGENT_TOKENS}/${encodeURIComponent(id)}/rotate`, null),
    );
  }

  /** The token stops working at once. */
  revokeAgentToken(id: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`${AGENT_TOKENS}/${encodeURIComponent(id)}`));
  }
}

function verifyParam(verify: boolean): HttpParams {
  return new HttpParams().set('verify', verify);
}
