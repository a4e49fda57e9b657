/** Helpers shared by the docker-ssh integration tests: targets, sshd logs, exec sockets. */
import type { AuditEntry, ExecServerMessage, Page } from '@archnest/contracts';
import { readFileSync, statSync } from 'node:fs';
import WebSocket from 'ws';
import { runDocker } from '../harness/docker-engine';
import { loadInfra, type SshServerName } from '../harness/infra';
import type { Http } from './http';

export interface TargetBody {
  id: string;
  name: string;
  host: string;
  port: number;
  username: string;
  authMethod: 'password' | 'key';
  jumpTargetId: string | null;
  hostKeyFingerprint: string | null;
  dockerCommand: string;
  dockerHost: string | null;
}

/** A create body for one of the harness sshd servers, key auth, the private engine. */
export function targetBody(
  name: string,
  server: SshServerName = 'target',
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const { ssh, docker } = loadInfra();
  return {
    name,
    host: ssh[server].host,
    port: ssh[server].port,
    username: ssh.user,
    privateKey: readFileSync(ssh.clientKey, 'utf8'),
    dockerHost: docker.dockerHost,
    ...extra,
  };
}

export async function createTarget(
  admin: Http,
  body: Record<string, unknown>,
): Promise<TargetBody> {
  const reply = await admin.post<TargetBody>('/api/docker-ssh/targets', body);
  if (reply.status !== 201) {
    throw new Error(`creating target failed: ${reply.status} ${reply.text}`);
  }
  return reply.body;
}

/** Scans and accepts the key the target presents, as an admin would after checking it. */
export async function pinTarget(admin: Http, id: string): Promise<string> {
  const scan = await admin.post<{ fingerprint: string }>(
    `/api/docker-ssh/targets/${id}/host-key/scan`,
  );
  if (scan.status !== 200) {
    throw new Error(`scan failed: ${scan.status} ${scan.text}`);
  }
  const accept = await admin.post(`/api/docker-ssh/targets/${id}/host-key/accept`, {
    fingerprint: scan.body.fingerprint,
  });
  if (accept.status !== 200) {
    throw new Error(`accept failed: ${accept.status} ${accept.text}`);
  }
  return scan.body.fingerprint;
}

/** Reads what an sshd logged after the moment this mark was taken. */
export class SshdLog {
  private readonly offset: number;

  constructor(private readonly server: SshServerName) {
    this.offset = statSync(loadInfra().ssh[server].logFile).size;
  }

  since(): string {
    return readFileSync(loadInfra().ssh[this.server].logFile).subarray(this.offset).toString();
  }

  count(pattern: RegExp): number {
    return this.since()
      .split('\n')
      .filter((line) => pattern.test(line)).length;
  }
}

export const ACCEPTED_LOGIN = /Accepted (publickey|password) for/;
export const ANY_AUTH = /userauth-request|Accepted |Failed (password|publickey)/;
export const NEW_CONNECTION = /Connection from 127\.0\.0\.1 port/;

export async function runBusybox(
  name: string,
  command: string[],
  args: string[] = [],
): Promise<string> {
  const { image } = loadInfra().docker;
  const id = await runDocker([
    'run',
    '-d',
    '--name',
    name,
    '--stop-timeout',
    '1',
    ...args,
    image,
    ...command,
  ]);
  return id.trim();
}

export async function removeContainers(names: string[]): Promise<void> {
  const existing = (await runDocker(['ps', '-a', '--format', '{{.Names}}'])).split('\n');
  const present = names.filter((name) => existing.includes(name));
  if (present.length > 0) {
    await runDocker(['rm', '-f', ...present]);
  }
}

export async function engineState(name: string): Promise<string> {
  return (await runDocker(['inspect', '--format', '{{.State.Status}}', name])).trim();
}

/** Newest first. */
export async function auditRows(admin: Http): Promise<AuditEntry[]> {
  return (await admin.get<Page<AuditEntry>>('/api/audit?pageSize=100')).body.items;
}

/** A client of the exec WebSocket that collects what the server sends. */
export class ExecClient {
  readonly messages: ExecServerMessage[] = [];
  closeCode: number | null = null;
  private readonly socket: WebSocket;
  private readonly opened: Promise<void>;
  private readonly closed: Promise<number>;

  constructor(url: string) {
    this.socket = new WebSocket(url);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('error', reject);
    });
    this.closed = new Promise((resolve) =>
      this.socket.once('close', (code) => resolve((this.closeCode = code))),
    );
    this.socket.on('message', (data: Buffer) =>
      this.messages.push(JSON.parse(data.toString()) as ExecServerMessage),
    );
  }

  async send(message: Record<string, unknown>): Promise<void> {
    await this.opened;
    this.socket.send(JSON.stringify(message));
  }

  /** All output so far, as one string. */
  output(): string {
    return this.messages.map((m) => (m.type === 'output' ? m.data : '')).join('');
  }

  async waitFor(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): Promise<number> {
    this.socket.close(1000);
    return this.closed;
  }

  whenClosed(): Promise<number> {
    return this.closed;
  }
}
