import { beforeEach, describe, expect, it, vi } from 'vitest';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { provideRouter } from '@angular/router';
import type { ContainerState } from '@archnest/contracts';
import { TOKEN_STORAGE_KEY } from '../auth/auth';
import { type SocketLike, SOCKET_FACTORY } from './exec-session';
import { ExecTerminal } from './exec-terminal';
import type { ContainerRow } from './sources';
import { TERMINAL_FACTORY, type TerminalLike } from './terminal';
import { host, row, summary } from './testing';

class FakeSocket implements SocketLike {
  sent: unknown[] = [];
  closedWith: number | null = null;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor(readonly url: string) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(code = 1000): void {
    this.closedWith = code;
    this.serverCloses(code);
  }

  serverSends(message: object): void {
    this.onmessage?.({ data: JSON.stringify(message) } as MessageEvent);
  }

  serverCloses(code: number, reason = ''): void {
    this.onclose?.({ code, reason } as CloseEvent);
  }
}

class FakeTerminal implements TerminalLike {
  cols = 120;
  rows = 30;
  written = '';
  inputEnabled = false;
  private dataListener: (data: string) => void = () => undefined;
  private resizeListener: (size: { cols: number; rows: number }) => void = () => undefined;

  write(data: string): void {
    this.written += data;
  }
  onData(listener: (data: string) => void): void {
    this.dataListener = listener;
  }
  onResize(listener: (size: { cols: number; rows: number }) => void): void {
    this.resizeListener = listener;
  }
  fit(): void {}
  focus(): void {}
  setInputEnabled(enabled: boolean): void {
    this.inputEnabled = enabled;
  }
  dispose(): void {}
  type(data: string): void {
    this.dataListener(data);
  }
  resize(cols: number, rows: number): void {
    this.resizeListener({ cols, rows });
  }
}

const web = row(host('docker-ssh', 't1', 'sshbox'), summary('aa', 'web'));

describe('ExecTerminal', () => {
  let sockets: FakeSocket[];
  let terminal: FakeTerminal;
  let fixture: ComponentFixture<ExecTerminal>;
  let loader: HarnessLoader;

  function text(): string {
    fixture.detectChanges();
    return (fixture.nativeElement as HTMLElement).textContent ?? '';
  }

  function render(target: ContainerRow = web, state: ContainerState = 'running'): void {
    fixture = TestBed.createComponent(ExecTerminal);
    fixture.componentRef.setInput('row', target);
    fixture.componentRef.setInput('state', state);
    loader = TestbedHarnessEnvironment.loader(fixture);
  }

  async function openShell(): Promise<FakeSocket> {
    await (
      await loader.getHarness(MatButtonHarness.with({ text: /Open shell|Reconnect/ }))
    ).click();
    const socket = await vi.waitFor(() => {
      expect(sockets.length).toBeGreaterThan(0);
      return sockets[sockets.length - 1];
    });
    socket.onopen?.(new Event('open'));
    return socket;
  }

  beforeEach(() => {
    localStorage.setItem(TOKEN_STORAGE_KEY, 'the-jwt');
    sockets = [];
    terminal = new FakeTerminal();
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        {
          provide: SOCKET_FACTORY,
          useValue: (url: string) => {
            const socket = new FakeSocket(url);
            sockets.push(socket);
            return socket;
          },
        },
        { provide: TERMINAL_FACTORY, useValue: () => Promise.resolve(terminal) },
      ],
    });
    TestBed.inject(HttpTestingController);
  });

  it('starts a session with the token in the first message, then relays output, input and size', async () => {
    render();
    const socket = await openShell();

    expect(socket.url).toBe(`ws://${location.host}/api/containers/exec`);
    expect(socket.url).not.toContain('the-jwt');
    expect(socket.sent[0]).toEqual({
      type: 'start',
      token: 'the-jwt',
      source: 'docker-ssh',
      hostId: 't1',
      container: web.id,
      cols: 120,
      rows: 30,
    });
    socket.serverSends({ type: 'ready', shell: 'sh' });
    expect(text()).toContain('Connected: sh in web.');

    socket.serverSends({ type: 'output', data: 'hello-42\r\n' });
    expect(terminal.written).toContain('hello-42');
    terminal.type('ls\r');
    terminal.resize(100, 40);
    expect(socket.sent.slice(1)).toEqual([
      { type: 'input', data: 'ls\r' },
      { type: 'resize', cols: 100, rows: 40 },
    ]);
  });

  it('shows a clear ended state with the exit code, stops input and offers to reconnect', async () => {
    render();
    const socket = await openShell();
    socket.serverSends({ type: 'ready', shell: 'bash' });
    socket.serverSends({ type: 'exit', code: 0 });
    socket.serverCloses(1000);

    expect(text()).toContain('Session ended: The shell exited with code 0.');
    expect(terminal.inputEnabled).toBe(false);
    expect(terminal.written).toContain('[The shell exited with code 0]');
    terminal.type('ignored');
    expect(socket.sent).toHaveLength(1);

    const again = await openShell();
    expect(again).not.toBe(socket);
    expect(terminal.inputEnabled).toBe(true);
  });

  it('explains a refusal from the server', async () => {
    render();
    const socket = await openShell();
    socket.serverCloses(4403);
    expect(text()).toContain('Session ended: A shell needs the admin role.');

    const next = await openShell();
    next.serverSends({ type: 'error', message: 'No such container: web' });
    next.serverCloses(4404);
    expect(text()).toContain('Session ended: No such container: web.');
  });

  it('disconnects on request', async () => {
    render();
    const socket = await openShell();
    socket.serverSends({ type: 'ready', shell: 'sh' });
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Disconnect' }))).click();
    expect(socket.closedWith).toBe(1000);
    expect(text()).toContain('Session ended: Disconnected.');
  });

  it('needs a running container, and a source with exec', async () => {
    render(web, 'exited');
    expect(
      await (await loader.getHarness(MatButtonHarness.with({ text: /Open shell/ }))).isDisabled(),
    ).toBe(true);
    expect(text()).toContain('start it to open a shell');

    render(row(host('agent', 'vm-1', 'docker01'), summary('bb', 'cache')));
    expect(await loader.getAllHarnesses(MatButtonHarness)).toHaveLength(0);
    expect(text()).toContain('A shell: not reported by this source.');
  });
});
