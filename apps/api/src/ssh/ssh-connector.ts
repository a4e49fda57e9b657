import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Duplex } from 'node:stream';
import { Client, type ConnectConfig } from 'ssh2';
import { fingerprintOf, keyTypeOf, matchesPin } from './host-key';
import { forwardThrough, SshConnection } from './ssh-connection';
import { connectError, sshErrors, type Ssh2Error } from './ssh-errors';
import type { ScanEndpoint, SshHop } from './ssh-hop';

export interface ConnectTimings {
  /** Per hop: TCP connect, key exchange and authentication. */
  readyTimeoutMs: number;
  /** SSH-level keepalive; a connection is dead after `keepaliveCountMax` unanswered probes. */
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
}

export const SSH_CONNECT_TIMINGS = Symbol('SSH_CONNECT_TIMINGS');

export const DEFAULT_CONNECT_TIMINGS: ConnectTimings = {
  readyTimeoutMs: 8_000,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 3,
};

export interface ScannedHostKey {
  fingerprint: string;
  keyType: string;
}

type Endpoint = Pick<SshHop, 'name' | 'host' | 'port'>;

/**
 * Opens SSH chains with ssh2. Every hop's host key is checked against its pin inside
 * `hostVerifier`, i.e. during key exchange and before any authentication request is sent; a
 * chain with an unpinned hop is refused before a socket is opened.
 */
@Injectable()
export class SshConnector {
  constructor(
    @Optional()
    @Inject(SSH_CONNECT_TIMINGS)
    private readonly timings: ConnectTimings = DEFAULT_CONNECT_TIMINGS,
  ) {}

  /** connectTarget: jump hosts first, the target last. */
  async connect(chain: readonly SshHop[]): Promise<SshConnection> {
    const unpinned = chain.find((hop) => hop.fingerprint === null);
    if (unpinned) {
      throw sshErrors.notPinned(unpinned);
    }
    const clients: Client[] = [];
    try {
      for (const [index, hop] of chain.entries()) {
        const previous = chain[index - 1];
        const from = clients[index - 1];
        const sock = previous && from ? await forwardThrough(from, previous, hop) : undefined;
        clients.push(await this.login(hop, sock));
      }
    } catch (error) {
      [...clients].reverse().forEach((client) => client.end());
      throw error;
    }
    const target = chain[chain.length - 1];
    if (!target) {
      throw new Error('An SSH chain has at least one hop');
    }
    return new SshConnection(target, clients);
  }

  /**
   * Reads the host key `endpoint` presents, reached through `jumps` (which must be pinned), and
   * disconnects during key exchange: no credential is configured, none is ever sent.
   */
  async scanHostKey(jumps: readonly SshHop[], endpoint: ScanEndpoint): Promise<ScannedHostKey> {
    const via = jumps.length > 0 ? await this.connect(jumps) : null;
    try {
      const sock = via ? await via.forwardOut(endpoint) : undefined;
      return await this.readHostKey(endpoint, sock);
    } finally {
      via?.close();
    }
  }

  private baseConfig(hop: Endpoint, sock: Duplex | undefined): ConnectConfig {
    return {
      host: hop.host,
      port: hop.port,
      sock,
      readyTimeout: this.timings.readyTimeoutMs,
      keepaliveInterval: this.timings.keepaliveIntervalMs,
      keepaliveCountMax: this.timings.keepaliveCountMax,
      tryKeyboard: false,
    };
  }

  private login(hop: SshHop, sock: Duplex | undefined): Promise<Client> {
    const { username, password, privateKey, passphrase } = hop.credentials;
    let presented: string | null = null;
    const config: ConnectConfig = {
      ...this.baseConfig(hop, sock),
      username,
      ...(privateKey ? { privateKey, passphrase } : { password }),
      authHandler: privateKey ? ['publickey'] : ['password'],
      hostVerifier: (key: Buffer): boolean => {
        presented = fingerprintOf(key);
        return matchesPin(presented, hop.fingerprint);
      },
    };
    return this.open(config, (error) =>
      presented !== null && hop.fingerprint !== null && !matchesPin(presented, hop.fingerprint)
        ? sshErrors.mismatch(hop, presented, hop.fingerprint)
        : connectError(hop, username, error, this.timings.readyTimeoutMs),
    );
  }

  private readHostKey(endpoint: ScanEndpoint, sock: Duplex | undefined): Promise<ScannedHostKey> {
    let scanned: ScannedHostKey | null = null;
    const config: ConnectConfig = {
      ...this.baseConfig(endpoint, sock),
      username: endpoint.username,
      authHandler: () => false,
      hostVerifier: (key: Buffer): boolean => {
        scanned = { fingerprint: fingerprintOf(key), keyType: keyTypeOf(key) };
        return false;
      },
    };
    return this.open(config, (error) =>
      connectError(endpoint, endpoint.username, error, this.timings.readyTimeoutMs),
    ).then(
      (client) => {
        client.end();
        throw sshErrors.unreachable(endpoint, 'the SSH handshake did not stop at the host key');
      },
      (error: unknown) => {
        if (scanned) {
          return scanned;
        }
        throw error;
      },
    );
  }

  /** Connects one ssh2 client; `toError` turns its failure into an AppError. */
  private open(config: ConnectConfig, toError: (error: Ssh2Error) => Error): Promise<Client> {
    return new Promise((resolve, reject) => {
      const client = new Client();
      const fail = (error: Ssh2Error): void => {
        client.end();
        reject(toError(error));
      };
      const closed = (): void => fail(Object.assign(new Error('closed'), { code: 'EPIPE' }));
      client.on('error', fail);
      client.once('close', closed);
      client.once('ready', () => {
        client.removeListener('error', fail);
        client.removeListener('close', closed);
        // A live connection still reports errors (keepalive timeout); its 'close' ends it.
        client.on('error', () => undefined);
        resolve(client);
      });
      try {
        client.connect(config);
      } catch (error) {
        fail(error as Ssh2Error);
      }
    });
  }
}
