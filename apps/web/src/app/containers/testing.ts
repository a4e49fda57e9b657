import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type {
  Capability,
  ContainerDetail,
  ContainerHost,
  ContainerSummary,
  SourceKind,
  UserRole,
} from '@archnest/contracts';
import { Auth, TOKEN_STORAGE_KEY } from '../auth/auth';
import type { SocketLike } from './exec-session';
import { containerKey, type ContainerRow } from './sources';

// Builders shared by the console's component tests (not part of the app bundle: nothing imports it).

const MANAGED: Capability[] = ['inspect', 'stats', 'logs', 'manage', 'exec'];
const AGENT: Capability[] = ['inspect', 'stats'];

export function host(
  source: SourceKind,
  hostId: string,
  name: string,
  overrides: Partial<ContainerHost> = {},
): ContainerHost {
  return {
    source,
    hostId,
    name,
    status: 'online',
    containerCount: 1,
    capabilities: source === 'agent' ? AGENT : MANAGED,
    lastSeenAt: null,
    ...overrides,
  };
}

export function summary(id: string, name: string, overrides: Partial<ContainerSummary> = {}) {
  return {
    id: id.padEnd(64, '0'),
    name,
    image: 'nginx:1.27',
    state: 'running',
    status: 'Up 3 hours',
    createdAt: '2026-06-20T10:00:00Z',
    ports: [],
    stats: null,
    ...overrides,
  } satisfies ContainerSummary;
}

export function row(
  on: ContainerHost,
  container: ContainerSummary,
  overrides: Partial<ContainerRow> = {},
): ContainerRow {
  return {
    ...container,
    source: on.source,
    hostId: on.hostId,
    hostName: on.name,
    key: containerKey(on.source, on.hostId, container.id),
    capabilities: on.capabilities,
    ...overrides,
  };
}

export function detailOf(
  container: ContainerSummary,
  overrides: Partial<ContainerDetail> = {},
): ContainerDetail {
  return {
    ...container,
    imageId: 'sha256:'.padEnd(71, 'a'),
    startedAt: '2026-06-20T10:00:01Z',
    finishedAt: null,
    exitCode: null,
    restartCount: 0,
    restartPolicy: 'unless-stopped',
    health: 'healthy',
    networks: [{ name: 'bridge', ip: '172.17.0.2' }],
    mounts: [{ type: 'volume', source: 'web_data', destination: '/data', rw: true }],
    env: [
      { key: 'NODE_ENV', value: 'production' },
      { key: 'DB_PASSWORD', value: '********' },
    ],
    labels: { 'com.docker.compose.project': 'web' },
    command: "nginx -g 'daemon off;'",
    entrypoint: '/docker-entrypoint.sh',
    ...overrides,
  };
}

/** Signs in through the real Auth service (answers its `GET /api/auth/me`). */
export async function signInAs(role: UserRole): Promise<void> {
  localStorage.setItem(TOKEN_STORAGE_KEY, 'jwt-of-' + role);
  const signedIn = TestBed.inject(Auth).loadUser();
  TestBed.inject(HttpTestingController)
    .expectOne('/api/auth/me')
    .flush({
      id: 'u1',
      username: role === 'admin' ? 'alice' : 'bob',
      role,
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
    });
  await signedIn;
}

/** A WebSocket the test drives: what the console sent, and what the server answers. */
export class FakeSocket implements SocketLike {
  sent: unknown[] = [];
  closedWith: number | null = null;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor(readonly url = '') {}

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(code = 1000): void {
    this.closedWith = code;
    this.serverCloses(code);
  }

  opens(): void {
    this.onopen?.({} as Event);
  }

  serverSends(message: object | string): void {
    const data = typeof message === 'string' ? message : JSON.stringify(message);
    this.onmessage?.({ data } as MessageEvent);
  }

  serverCloses(code: number, reason = ''): void {
    this.onclose?.({ code, reason } as CloseEvent);
  }
}

/** jsdom lays nothing out and has no element scrolling; the log viewer's virtual scroll scrolls. */
export function stubScrolling(): void {
  if (!('scrollTo' in Element.prototype)) {
    Object.defineProperty(Element.prototype, 'scrollTo', {
      configurable: true,
      writable: true,
      value: () => undefined,
    });
  }
}
