import { beforeEach, describe, expect, it, vi } from 'vitest';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { TOKEN_STORAGE_KEY } from '../auth/auth';
import { SOCKET_FACTORY } from './exec-session';
import { MergedLogs } from './merged-logs';
import { FakeSocket, host, stubScrolling } from './testing';

describe('MergedLogs', () => {
  let sockets: FakeSocket[];
  let harness: RouterTestingHarness;

  const text = () => (harness.routeNativeElement!.textContent ?? '').replace(/\s+/g, ' ');

  async function open(url: string): Promise<void> {
    harness = await RouterTestingHarness.create();
    await harness.navigateByUrl(url, MergedLogs);
    TestBed.inject(HttpTestingController)
      .expectOne('/api/containers/hosts')
      .flush([host('docker-tcp', 'h1', 'engine01'), host('docker-ssh', 't1', 'sshbox')]);
    harness.detectChanges();
  }

  beforeEach(() => {
    stubScrolling();
    localStorage.setItem(TOKEN_STORAGE_KEY, 'jwt');
    sockets = [];
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([{ path: 'containers/logs', component: MergedLogs }]),
        {
          provide: SOCKET_FACTORY,
          useValue: (url: string) => {
            const socket = new FakeSocket(url);
            sockets.push(socket);
            return socket;
          },
        },
      ],
    });
  });

  it('follows every container of the address in one socket, each line with its chip', async () => {
    await open('/containers/logs?c=docker-tcp/h1/web&c=docker-ssh/t1/db');
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    const [socket] = sockets;
    socket.opens();
    expect(socket.sent).toEqual([
      {
        type: 'start',
        token: 'jwt',
        containers: [
          { source: 'docker-tcp', hostId: 'h1', container: 'web' },
          { source: 'docker-ssh', hostId: 't1', container: 'db' },
        ],
        tail: 200,
        timestamps: true,
      },
    ]);
    socket.serverSends({ type: 'ready', containers: ['web', 'db'] });
    socket.serverSends({
      type: 'lines',
      lines: [
        { t: '2026-12-07T10:00:00Z', stream: 'stdout', text: 'db says hi', container: 'db' },
        { t: '2026-12-07T10:00:01Z', stream: 'stdout', text: 'web says hi', container: 'web' },
      ],
    });
    socket.serverSends({ type: 'end', reason: 'db: the container stopped', container: 'db' });
    await harness.fixture.whenStable();
    harness.detectChanges();

    const root = harness.routeNativeElement!;
    const chips = [...root.querySelectorAll('.line .chip')].map((c) => [
      c.className,
      c.textContent,
    ]);
    expect(chips).toEqual([
      ['c1 chip', 'db'],
      ['c0 chip', 'web'],
    ]);
    expect(root.querySelector('.marker')!.textContent).toBe('db: the container stopped');
    expect(text()).toContain('Following 2 containers · 2 lines');
    expect(text()).toContain('web on engine01, db on sshbox');
    expect(root.querySelector('[role="log"]')!.getAttribute('aria-label')).toBe('Merged logs');
  });

  it('leaves out what is not a container and stops at 20', async () => {
    const refs = Array.from({ length: 21 }, (_, i) => `c=docker-tcp/h1/app${i}`).join('&');
    await open(`/containers/logs?${refs}&c=bogus`);
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    sockets[0].opens();
    const [start] = sockets[0].sent as { containers: unknown[] }[];
    expect(start.containers).toHaveLength(20);
    expect(text()).toContain('2 of the containers in the address were left out');
  });

  it('says what to do when the address names no container', async () => {
    await open('/containers/logs');
    expect(text()).toContain('Select rows on the Containers page and choose "Merge logs"');
    expect(sockets).toHaveLength(0);
  });
});
