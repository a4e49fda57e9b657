import { Injectable } from '@nestjs/common';
import Docker from 'dockerode';
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
 * unset ones from DOCKER_HOST / DOCKER_CERT_PATH of the API's own environment.
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
  return {
    ...none,
    host: endpoint.host,
    port: endpoint.port,
    protocol: tls ? 'https' : 'http',
    ...(tls ? { ca: tls.ca, cert: tls.cert, key: tls.key } : {}),
  };
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

interface CachedClient {
  url: string;
  tlsSealed: string | null;
  docker: Docker;
}

/**
 * Hands out one dockerode client per host (rebuilt when the host's endpoint or TLS changes, also
 * when another replica changed it) and runs calls with a deadline, so one slow engine answers
 * 504 after ENGINE_TIMEOUT_MS and never holds up requests to other hosts.
 */
@Injectable()
export class DockerEngineClients {
  private readonly clients = new Map<string, CachedClient>();

  constructor(private readonly crypto: CryptoService) {}

  /** Runs one call against a stored host, through its cached client. */
  call<T>(host: EngineHost, work: EngineWork<T>, timeoutMs = ENGINE_TIMEOUT_MS): Promise<T> {
    return this.callWith(host.name, this.client(host), work, timeoutMs);
  }

  /** Runs one call against an endpoint that is not stored (yet), e.g. verify-on-save. */
  callEndpoint<T>(
    name: string,
    url: string,
    tls: TlsMaterial | null,
    work: EngineWork<T>,
  ): Promise<T> {
    return this.callWith(name, new Docker(dockerOptions(parseEngineUrl(url), tls)), work);
  }

  private async callWith<T>(
    hostName: string,
    docker: Docker,
    work: EngineWork<T>,
    timeoutMs = ENGINE_TIMEOUT_MS,
  ): Promise<T> {
    const limit = deadline(timeoutMs);
    try {
      // The race returns on time even if a dockerode method ignored the abort signal.
      return await Promise.race([work(docker, limit.signal), limit.expired]);
    } catch (error) {
      throw toEngineError(error, { hostName, timedOut: limit.signal.aborted, timeoutMs });
    } finally {
      limit.clear();
    }
  }

  forget(hostId: string): void {
    this.clients.delete(hostId);
  }

  private client(host: EngineHost): Docker {
    const cached = this.clients.get(host.id);
    if (cached && cached.url === host.url && cached.tlsSealed === host.tlsSealed) {
      return cached.docker;
    }
    const tls = host.tlsSealed
      ? (JSON.parse(this.crypto.open(host.tlsSealed)) as TlsMaterial)
      : null;
    const docker = new Docker(dockerOptions(parseEngineUrl(host.url), tls));
    this.clients.set(host.id, { url: host.url, tlsSealed: host.tlsSealed, docker });
    return docker;
  }
}
