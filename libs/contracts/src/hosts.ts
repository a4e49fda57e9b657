import type { Credentials, UserRole } from './auth';

/*
 * The inventories an admin keeps: Docker Engine API hosts (docs/docker-tcp.md), SSH targets
 * (docs/docker-over-ssh.md) and users. The API's DTO classes implement these shapes and the
 * console uses them as they are. Agent hosts (`AgentHost`, agent.ts) and `User` (auth.ts) live
 * beside the rest of their source.
 */

/** Whether a Docker host has TLS material stored; the material itself is never returned. */
export interface DockerHostTlsStatus {
  configured: boolean;
}

/** `GET /api/docker/hosts`: one Docker Engine API host. */
export interface DockerHost {
  id: string;
  name: string;
  url: string;
  tls: DockerHostTlsStatus;
  lastSeenAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Client TLS of an engine started with --tlsverify (PEM). Write-only: never read back. */
export interface DockerTls {
  ca: string;
  cert: string;
  key: string;
}

/** `POST /api/docker/hosts[?verify=false]`. */
export interface CreateDockerHostRequest {
  name: string;
  url: string;
  tls?: DockerTls;
}

/** `PATCH /api/docker/hosts/:hostId`: any of the fields. */
export interface UpdateDockerHostRequest {
  name?: string;
  url?: string;
  /** Omitted: keep what is stored; null: remove it. */
  tls?: DockerTls | null;
}

/** `POST /api/docker/hosts/:hostId/test`. */
export interface DockerHostTest {
  ok: boolean;
  version: string | null;
  apiVersion: string | null;
  platform: string | null;
  latencyMs: number;
  reason: string | null;
}

export type SshAuthMethod = 'password' | 'key';

/** `GET /api/docker-ssh/targets`: one SSH target, without its credentials. */
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

/** `POST /api/docker-ssh/targets`; give `password` or `privateKey` (write-only). */
export interface CreateSshTargetRequest {
  name: string;
  host: string;
  /** Default 22. */
  port?: number;
  username: string;
  password?: string;
  privateKey?: string;
  passphrase?: string;
  /** The target to connect through; null: direct. */
  jumpTargetId?: string | null;
  dockerCommand?: string;
  dockerHost?: string | null;
}

/** `PATCH /api/docker-ssh/targets/:targetId`: a new password or privateKey replaces the stored one. */
export type UpdateSshTargetRequest = Partial<CreateSshTargetRequest>;

/** `POST /api/docker-ssh/targets/:targetId/host-key/scan`. */
export interface HostKeyScan {
  fingerprint: string;
  keyType: string;
  /** Whether this is the fingerprint already pinned. */
  pinned: boolean;
}

/** `POST /api/docker-ssh/targets/:targetId/host-key/accept`. */
export interface AcceptHostKeyRequest {
  fingerprint: string;
}

/** `POST /api/docker-ssh/targets/:targetId/test`. */
export interface SshTargetTest {
  dockerVersion: string;
  latencyMs: number;
  /** Names of the hops, jump hosts first. */
  chain: string[];
}

/** `POST /api/users`. */
export interface CreateUserRequest extends Credentials {
  role: UserRole;
}

/** `PATCH /api/users/:id`: any of the fields. */
export type UpdateUserRequest = Partial<CreateUserRequest>;
