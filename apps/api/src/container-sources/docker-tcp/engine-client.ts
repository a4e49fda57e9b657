import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import Docker from 'dockerode';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { inspect } from 'node:util';
import { CryptoService } from '../../common/crypto/crypto.service';
import type { DockerHostEntity } from './docker-host.entity';
import { toEngineError } from './engine-errors';
import { parseEngineUrl, type EngineEndpoint } from './engine-url';
import type { TlsMaterial } from './tls-material';

/** Deadline of one Engine API call: a slow or hung engine answers 504 after this. */
export const ENGINE_TIMEOUT_MS = 10_000;

export type EngineHost = Pick<DockerHostEntity, 'id' | 'name' | 'url' | 'tlsSealed'>;

/** One Engine API call; it must pass `signal` on as dockerode's `abortSignal`. */
export type EngineWork<T> = (docker: Docker, signal: AbortSignal) => Promise<T>;

/**
 * Options for dockerode. Every connection field is set explicitly, because docker-modem fills
 * unset ones from DOCKER_HOST / DOCKER_CERT_PATH of the API's own environment. TLS material is
 * not among them: it goes to the connection pool (newClient), so it is never part of a request's
 * options.
 */
export function dockerOptions(
  endpoint: EngineEndpoint,
  tls: TlsMaterial | null,
): Docker.DockerOptions {
  const none = {
    socketPath: undefined,
    host: undefined,
    port: undefined,
    ca: undefined,
    cert: undefined,
    key: undefined,
  };
  if (endpoint.kind === 'unix') {
    return { ...none, socketPath: endpoint.socketPath, protocol: 'http' };
  }
  return { ...none, host: endpoint.host, port: endpoint.port, protocol: tls ? 'https' : 'http' };
}

/**
 * docker-modem formats every request's options with `util.inspect(…, {showHidden: true, depth:
 * null})` for its debug log even when that log is off, and the options hold the pool: walking
 * every pooled socket cost most of the API's CPU on parallel engine calls. The pool answers
 * that walk with its name instead.
 */
function formattedAsName<T extends HttpAgent>(agent: T, name: string): T {
  Object.defineProperty(agent, inspect.custom, { value: () => name });
  return agent;
}

function deadline(timeoutMs: number): {
  signal: AbortSignal;
  expired: Promise<never>;
  clear: () => void;
} {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error('deadline'));
    }, timeoutMs);
  });
  expired.catch(() => undefined);
  return { signal: controller.signal, expired, clear: () => clearTimeout(timer) };
}

export interface CallOptions {
  timeoutMs?: number;
  /**
   * Safe to send twice (reads). Such a call is retried once, within the same deadline, when a
   * kept-alive connection turns out to be dead: the first request after an engine restart.
   */
  idempotent?: boolean;
}

/** Safe to send twice: reads, and writes whose repeat does no harm (see CallOptions.idempotent). */
export const SAFE_TO_RESEND: CallOptions = { idempotent: true };

interface Client {
  docker: Docker;
  agent: HttpAgent;
}

interface CachedClient extends Client {
  url: string;
  tlsSealed: string | null;
}

/** A kept-alive connection the engine closed meanwhile: the request never reached it. */
function isStaleConnection(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

/** Its own connection pool per host, so a dead engine's connections can be dropped alone. */
export function newClient(
  endpoint: EngineEndpoint,
  tls: TlsMaterial | null,
  keepAlive: boolean,
): Client {
  const agent = tls
    ? formattedAsName(
        new HttpsAgent({ keepAlive, ca: tls.ca, cert: tls.cert, key: tls.key }),
        'EngineHttpsAgent',
      )
    : formattedAsName(new HttpAgent({ keepAlive }), 'EngineHttpAgent');
  const options = { ...dockerOptions(endpoint, tls), agent } as Docker.DockerOptions;
  return { docker: new Docker(options), agent };
}

function dropIdleConnections(agent: HttpAgent): void {
  for (const sockets of Object.values(agent.freeSockets)) {
    sockets?.forEach((socket) => socket.destroy());
  }
}

/**
 * Hands out one dockerode client per host (rebuilt when the host's endpoint or TLS changes, also
 * when another replica changed it) and runs calls with a deadline, so one slow engine answers
 * 504 after ENGINE_TIMEOUT_MS and never holds up requests to other hosts.
 */
@Injectable()
export class DockerTcpEngineClients implements OnApplicationShutdown {
  private readonly clients = new Map<string, CachedClient>();

  constructor(private readonly crypto: CryptoService) {}

  /** Runs one call against a stored host, through its cached client. */
  call<T>(host: EngineHost, work: EngineWork<T>, options: CallOptions = {}): Promise<T> {
    return this.callWith(host.name, this.client(host), work, options);
  }

  /** Runs one call against an endpoint that is not stored (yet), e.g. verify-on-save. */
  async callEndpoint<T>(
    name: string,
    url: string,
    tls: TlsMaterial | null,
    work: EngineWork<T>,
  ): Promise<T> {
    const client = newClient(parseEngineUrl(url), tls, false);
    try {
      return await this.callWith(name, client, work, {});
    } finally {
      client.agent.destroy();
    }
  }

  forget(hostId: string): void {
    this.clients.get(hostId)?.agent.destroy();
    this.clients.delete(hostId);
  }

  /** After exec sessions and in-flight requests have ended (Nest's shutdown order). */
  onApplicationShutdown(): void {
    [...this.clients.keys()].forEach((hostId) => this.forget(hostId));
  }

  private async callWith<T>(
    hostName: string,
    { docker, agent }: Client,
    work: EngineWork<T>,
    { timeoutMs = ENGINE_TIMEOUT_MS, idempotent = false }: CallOptions,
  ): Promise<T> {
    const limit = deadline(timeoutMs);
    // The race returns on time even if a dockerode method ignored the abort signal.
    const attempt = (): Promise<T> => Promise.race([work(docker, limit.signal), limit.expired]);
    try {
      try {
        return await attempt();
      } catch (error) {
        if (!idempotent || !isStaleConnection(error) || limit.signal.aborted) {
          throw error;
        }
        dropIdleConnections(agent);
        return await attempt();
      }
    } catch (error) {
      throw toEngineError(error, { hostName, timedOut: limit.signal.aborted, timeoutMs });
    } finally {
      limit.clear();
    }
  }

  private client(host: EngineHost): Client {
    const cached = this.clients.get(host.id);
    if (cached && cached.url === host.url && cached.tlsSealed === host.tlsSealed) {
      return cached;
    }
    cached?.agent.destroy();
    const tls = host.tlsSealed
      ? (JSON.parse(this.crypto.open(host.tlsSealed)) as TlsMaterial)
      : null;
    const client = newClient(parseEngineUrl(host.url), tls, true);
    this.clients.set(host.id, { ...client, url: host.url, tlsSealed: host.tlsSealed });
    return client;
  }
}
