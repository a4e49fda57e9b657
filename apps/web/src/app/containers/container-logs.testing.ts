/** The log viewer's test bed, shared by the container-logs specs. */
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSlideToggleHarness } from '@angular/material/slide-toggle/testing';
import type { LogFollowLine } from '@archnest/contracts';
import { TOKEN_STORAGE_KEY } from '../auth/auth';
import { ContainerLogs } from './container-logs';
import { SOCKET_FACTORY } from './exec-session';
import { FakeSocket, host, row, stubScrolling, summary } from './testing';

export const web = row(host('docker-ssh', 't1', 'sshbox'), summary('aa', 'web'));
export const base = `/api/containers/docker-ssh/t1/${web.id}/logs`;

export const LINES: LogFollowLine[] = [
  { t: '2026-06-20T10:00:00.5Z', stream: 'stdout', text: 'server \x1b[32mstarted\x1b[0m' },
  { t: '2026-06-20T10:00:01Z', stream: 'stderr', text: '\x1b[1;31mERROR\x1b[0m <b>x</b>' },
  { t: '2026-06-20T10:00:02Z', stream: 'stdout', text: 'GET /health 200' },
];

/**
 * Sets up a ContainerLogs for `web` before each test (fake sockets, the HTTP testing backend, a
 * member's token) and returns what the tests reach it with; `http`, `sockets`, `fixture` and
 * `loader` are new in every test.
 */
export function useLogViewerBed() {
  let http: HttpTestingController;
  let sockets: FakeSocket[];
  let fixture: ComponentFixture<ContainerLogs>;
  let loader: HarnessLoader;

  const element = () => fixture.nativeElement as HTMLElement;
  const logView = (): HTMLElement => element().querySelector('[role="log"]')!;
  const socket = () => sockets.at(-1)!;

  async function settle(): Promise<void> {
    await fixture.whenStable();
    fixture.detectChanges();
  }

  beforeEach(() => {
    stubScrolling();
    localStorage.setItem(TOKEN_STORAGE_KEY, 'jwt-of-member');
    sockets = [];
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        {
          provide: SOCKET_FACTORY,
          useValue: (url: string) => {
            const created = new FakeSocket(url);
            sockets.push(created);
            return created;
          },
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(ContainerLogs);
    fixture.componentRef.setInput('row', web);
    loader = TestbedHarnessEnvironment.loader(fixture);
  });

  afterEach(() => {
    localStorage.clear();
    expect.soft(() => http.verify()).not.toThrow();
  });

  return {
    get http() {
      return http;
    },
    get sockets() {
      return sockets;
    },
    get fixture() {
      return fixture;
    },
    get loader() {
      return loader;
    },
    element,
    /** The component's text with runs of whitespace as one space. */
    text: () => (element().textContent ?? '').replace(/\s+/g, ' '),
    socket,
    settle,
    logView,
    lineTexts: (): string[] =>
      [...logView().querySelectorAll('.line, .marker')].map((e) => (e.textContent ?? '').trim()),
    /** The socket opens and sends ready, then `lines`. */
    following: async (lines = LINES): Promise<void> => {
      await vi.waitFor(() => expect(sockets).toHaveLength(1));
      socket().opens();
      socket().serverSends({ type: 'ready', containers: ['web'] });
      socket().serverSends({ type: 'lines', lines });
      await settle();
    },
    toggle: async (label: string): Promise<void> => {
      await (await loader.getHarness(MatSlideToggleHarness.with({ label }))).toggle();
      await settle();
    },
    search: async (text: string): Promise<void> => {
      await (
        await loader.getHarness(MatInputHarness.with({ selector: '[type="search"]' }))
      ).setValue(text);
      await settle();
    },
  };
}
