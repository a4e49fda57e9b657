/**
 * Real receivers for the alerts tests (docs/alerts.md): a webhook endpoint that records every
 * request and checks `X-ArchNest-Signature` against the raw bytes, that can answer 503 or go down
 * (port closed) and come back on the same port; and SMTP servers (the `smtp-server` package) that
 * capture each message and check AUTH PLAIN/LOGIN — one plain (`smtp://`, no TLS offered) and one
 * with implicit TLS (`smtps://`) under a self-signed certificate the client must be told to trust.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { run } from '../harness/proc';

export interface WebhookRequest {
  at: number;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  /** The body parsed as JSON, or null if it is not JSON. */
  json: unknown;
  /** Whether `X-ArchNest-Signature` is `sha256=<HMAC-SHA256 of the raw body>` with the secret. */
  signatureVerified: boolean;
  /** The status this receiver answered with. */
  answered: number;
}

export type WebhookMode = 'ok' | 'unavailable';

/** The check docs/alerts.md gives receivers, on the raw bytes. */
export function signatureVerifies(raw: Buffer, header: unknown, secret: string): boolean {
  if (typeof header !== 'string') {
    return false;
  }
  const expected = 'sha256=' + createHmac('sha256', secret).update(raw).digest('hex');
  return (
    header.length === expected.length && timingSafeEqual(Buffer.from(header), Buffer.from(expected))
  );
}

/** A webhook endpoint on 127.0.0.1 that records what it receives; `url` stays the same when down. */
export class WebhookReceiver {
  readonly requests: WebhookRequest[] = [];
  /** What a 2xx answer says (shown by the channel test). */
  static readonly OK_BODY = 'received by the test receiver';
  private mode: WebhookMode = 'ok';
  private port = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly secret: string | null = null) {}

  static async start(secret: string | null = null): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(secret);
    await receiver.up();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** `unavailable`: answers 503 (and still records the request). */
  setMode(mode: WebhookMode): void {
    this.mode = mode;
  }

  /** Listens (again, on the same port once it had one). */
  async up(): Promise<void> {
    if (this.server) {
      return;
    }
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const answered = this.mode === 'ok' ? 200 : 503;
        this.requests.push({
          at: Date.now(),
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          raw,
          json: parseJson(raw),
          signatureVerified:
            this.secret !== null &&
            signatureVerifies(raw, req.headers['x-archnest-signature'], this.secret),
          answered,
        });
        res.writeHead(answered, { 'content-type': 'text/plain' });
        res.end(answered === 200 ? WebhookReceiver.OK_BODY : 'receiver unavailable (test)');
      });
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and drops open connections: the next delivery meets ECONNREFUSED. */
  async down(): Promise<void> {
    const server = this.server;
    if (!server) {
      return;
    }
    this.server = null;
    this.sockets.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  close(): Promise<void> {
    return this.down();
  }

  /** Requests whose JSON body matches every given field (e.g. `{ status: 'firing', container }`). */
  matching(fields: Record<string, unknown>): WebhookRequest[] {
    return this.requests.filter((request) => {
      const body = request.json as Record<string, unknown> | null;
      return (
        body !== null &&
        typeof body === 'object' &&
        Object.entries(fields).every(([key, value]) => body[key] === value)
      );
    });
  }
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

export interface SmtpMessage {
  at: number;
  from: string | null;
  to: string[];
  /** The user that authenticated on this session, or null without AUTH. */
  user: string | null;
  /** Whether the session ran over TLS. */
  secure: boolean;
  raw: string;
  /** The raw message with quoted-printable and base64 text parts decoded, for searching. */
  text: string;
}

export interface SmtpCredentials {
  username: string;
  password: string;
}

/** A real SMTP server on 127.0.0.1 that captures messages and requires AUTH with one user. */
export class SmtpReceiver {
  readonly messages: SmtpMessage[] = [];
  /** Every AUTH attempt: method, user, and whether it was accepted. */
  readonly logins: { method: string; username: string; accepted: boolean }[] = [];
  private port = 0;

  private constructor(
    private readonly server: SMTPServer,
    readonly scheme: 'smtp' | 'smtps',
    private readonly cleanup: () => void,
  ) {}

  /**
   * `smtp`: no TLS at all (STARTTLS not offered, AUTH allowed in the clear). `smtps`: implicit TLS
   * with a fresh self-signed certificate for 127.0.0.1 — see `caFile` for the client's trust.
   */
  static async start(
    credentials: SmtpCredentials,
    scheme: 'smtp' | 'smtps' = 'smtp',
  ): Promise<SmtpReceiver> {
    const tls = scheme === 'smtps' ? await selfSignedCertificate() : null;
    let receiver: SmtpReceiver | null = null;
    const server = new SMTPServer({
      secure: scheme === 'smtps',
      ...(tls ? { key: tls.key, cert: tls.cert } : {}),
      disabledCommands: scheme === 'smtp' ? ['STARTTLS'] : [],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      authOptional: false,
      logger: false,
      onAuth(auth, _session, callback) {
        const accepted =
          auth.username === credentials.username && auth.password === credentials.password;
        receiver?.logins.push({ method: auth.method, username: auth.username ?? '', accepted });
        if (accepted) {
          callback(null, { user: auth.username });
        } else {
          callback(new Error('Invalid username or password'));
        }
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          receiver?.messages.push({
            at: Date.now(),
            from: addressOf(session.envelope.mailFrom),
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            user: typeof session.user === 'string' ? session.user : null,
            secure: session.secure,
            raw: Buffer.concat(chunks).toString('utf8'),
            text: readable(Buffer.concat(chunks).toString('utf8')),
          });
          callback();
        });
      },
    });
    receiver = new SmtpReceiver(server, scheme, () => tls?.remove());
    receiver.caFile = tls?.certFile ?? null;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    receiver.port = (server.server.address() as AddressInfo).port;
    return receiver;
  }

  /** smtps only: the PEM file of the self-signed certificate (for NODE_EXTRA_CA_CERTS). */
  caFile: string | null = null;

  get url(): string {
    return `${this.scheme}://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.cleanup();
  }
}

/**
 * The message made searchable without a MIME parser: headers unfolded, quoted-printable soft
 * breaks and escapes undone, and every base64 block decoded and appended.
 */
export function readable(raw: string): string {
  const unfolded = raw.replace(/\r?\n[ \t]+/g, ' ');
  const qp = unfolded
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const base64 = (raw.match(/(?:^[A-Za-z0-9+/=]{16,}\r?$\n?)+/gm) ?? [])
    .map((block) => Buffer.from(block.replace(/\s+/g, ''), 'base64').toString('utf8'))
    .join('\n');
  const words = unfolded.replace(
    /=\?utf-8\?([BQ])\?([^?]*)\?=/gi,
    (_, enc: string, data: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64').toString('utf8')
        : data
            .replace(/_/g, ' ')
            .replace(/=([0-9A-F]{2})/g, (__, hex: string) =>
              String.fromCharCode(parseInt(hex, 16)),
            ),
  );
  return [qp, words, base64].join('\n');
}

function addressOf(from: SMTPServerAddress | false): string | null {
  return from ? from.address : null;
}

/** A throwaway self-signed certificate for IP 127.0.0.1 (openssl), in a temp dir. */
async function selfSignedCertificate(): Promise<{
  key: string;
  cert: string;
  certFile: string;
  remove: () => void;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'archnest-smtps-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  await run('openssl', [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
    ...['-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=127.0.0.1'],
    ...['-addext', 'subjectAltName=IP:127.0.0.1'],
  ]);
  return {
    key: readFileSync(keyFile, 'utf8'),
    cert: readFileSync(certFile, 'utf8'),
    certFile,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
