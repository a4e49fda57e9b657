import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatButtonToggleHarness } from '@angular/material/button-toggle/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MatSlideToggleHarness } from '@angular/material/slide-toggle/testing';
import type { ContainerLogs as LogsData, LogFollowLine } from '@archnest/contracts';
import { TOKEN_STORAGE_KEY } from '../auth/auth';
import { ContainerLogs } from './container-logs';
import { SOCKET_FACTORY } from './exec-session';
import { FakeSocket, host, row, stubScrolling, summary } from './testing';

const web = row(host('docker-ssh', 't1', 'sshbox'), summary('aa', 'web'));
const base = `/api/containers/docker-ssh/t1/${web.id}/logs`;

const LINES: LogFollowLine[] = [
  { t: '2026-06-20T10:00:00.5Z', stream: 'stdout', text: 'server \x1b[32mstarted\x1b[0m' },
  { t: '2026-06-20T10:00:01Z', stream: 'stderr', text: '\x1b[1;31mERROR\x1b[0m <b>x</b>' },
  { t: '2026-06-20T10:00:02Z', stream: 'stdout', text: 'GET /health 200' },
];

function blobText(blob: Blob): Promise<string> {
  return new Promise((done) => {
    const reader = new FileReader();
    reader.onload = () => done(reader.result as string);
    reader.readAsText(blob);
  });
}

describe('ContainerLogs (the log viewer)', () => {
  let http: HttpTestingController;
  let sockets: FakeSocket[];
  let fixture: ComponentFixture<ContainerLogs>;
  let loader: HarnessLoader;

  const element = () => fixture.nativeElement as HTMLElement;
  /** The component's text with runs of whitespace as one space. */
  const text = () => (element().textContent ?? '').replace(/\s+/g, ' ');
  const socket = () => sockets.at(-1)!;

  async function settle(): Promise<void> {
    await fixture.whenStable();
    fixture.detectChanges();
  }

  function logView(): HTMLElement {
    return element().querySelector('[role="log"]')!;
  }

  function lineTexts(): string[] {
    return [...logView().querySelectorAll('.line, .marker')].map((e) =>
      (e.textContent ?? '').trim(),
    );
  }

  async function following(lines = LINES): Promise<void> {
    await vi.waitFor(() => expect(sockets).toHaveLength(1));
    socket().opens();
    socket().serverSends({ type: 'ready', containers: ['web'] });
    socket().serverSends({ type: 'lines', lines });
    await settle();
  }

  async function toggle(label: string): Promise<void> {
    await (await loader.getHarness(MatSlideToggleHarness.with({ label }))).toggle();
    await settle();
  }

  async function search(text: string): Promise<void> {
    await (
      await loader.getHarness(MatInputHarness.with({ selector: '[type="search"]' }))
    ).setValue(text);
    await settle();
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

  it('follows over the WebSocket: start with the token, then lines with ANSI colours as text', async () => {
    await following();
    expect(socket().url).toMatch(/^ws:\/\/.*\/api\/containers\/logs\/follow$/);
    expect(socket().sent).toEqual([
      {
        type: 'start',
        token: 'jwt-of-member',
        source: 'docker-ssh',
        hostId: 't1',
        container: web.id,
        tail: 200,
        timestamps: true,
      },
    ]);
    const lines = logView().querySelectorAll('.line');
    expect(logView().getAttribute('aria-label')).toBe('Logs of web');
    expect(lines).toHaveLength(3);
    expect(lines[1].getAttribute('data-stream')).toBe('stderr');
    const error = [...lines[1].querySelectorAll('span')].find((s) => s.textContent === 'ERROR')!;
    expect(error.className).toContain('ansi-fg-1');
    expect(error.className).toContain('ansi-bold');
    // Text from a container is never markup.
    expect(lines[1].querySelector('b')).toBeNull();
    expect(lines[1].textContent).toContain('<b>x</b>');
    expect(logView().textContent).not.toContain('\x1b');
    expect(text()).toContain('Following · 3 lines');

    socket().serverSends({
      type: 'lines',
      lines: [{ t: '2026-06-20T10:00:03Z', stream: 'stdout', text: 'live!' }],
    });
    await settle();
    expect(lineTexts().at(-1)).toMatch(/ live!$/);
  });

  it('shows dropped and end frames as marker rows and announces them', async () => {
    await following();
    socket().serverSends({ type: 'dropped', count: 1250 });
    await settle();
    const status = element().querySelector('[role="status"]')!;
    expect(status.textContent).toContain('1,250 lines dropped: the console read too slowly');
    socket().serverSends({ type: 'end', reason: 'the container stopped' });
    socket().serverCloses(1000);
    await settle();
    expect(lineTexts().slice(-2)).toEqual([
      '1,250 lines dropped: the console read too slowly',
      'Follow ended: the container stopped',
    ]);
    expect(status.textContent).toContain('Follow ended: the container stopped');
    expect(element().querySelector('[role="alert"]')).toBeNull();
    expect(text()).toContain('Follow ended · 3 lines');
  });

  it('shows an error frame as an alert and follows again on request', async () => {
    await following();
    socket().serverSends({ type: 'error', message: 'no such container: web' });
    socket().serverCloses(4404);
    await settle();
    expect(element().querySelector('[role="alert"]')!.textContent).toContain(
      'The follow stopped: no such container: web',
    );
    expect(text()).not.toContain('Reconnecting');
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Follow again' }))).click();
    expect(sockets).toHaveLength(2);
    socket().opens();
    expect(socket().sent).toHaveLength(1);
    await settle();
    expect(lineTexts()).toEqual([]);
  });

  it('reconnects a follow lost mid-stream (error + 4502), resuming after the last line', async () => {
    await following();
    socket().serverSends({ type: 'error', message: 'SSH target "sshbox" is unreachable' });
    socket().serverCloses(4502);
    await settle();
    expect(element().querySelector('[role="alert"]')).toBeNull();
    expect(text()).toContain('Connection lost · Reconnecting in 1 s… · 3 lines');
    expect(lineTexts().at(-1)).toBe('Connection lost: SSH target "sshbox" is unreachable');
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Reconnect now' }))).click();
    expect(sockets).toHaveLength(2);
    socket().opens();
    expect(socket().sent).toEqual([
      expect.objectContaining({ type: 'start', since: '2026-06-20T10:00:02Z', tail: 5000 }),
    ]);
    socket().serverSends({ type: 'ready', containers: ['web'] });
    // The server sends the boundary line again (since is inclusive): it is not shown twice.
    socket().serverSends({
      type: 'lines',
      lines: [LINES[2], { t: '2026-06-20T10:00:03Z', stream: 'stdout', text: 'after' }],
    });
    await settle();
    expect(lineTexts().filter((l) => l.includes('GET /health 200'))).toHaveLength(1);
    expect(lineTexts().slice(-2)).toEqual([
      'Reconnected: the follow goes on',
      expect.stringContaining('after'),
    ]);
    expect(text()).toContain('Following · 4 lines');
  });

  it('drops a pending reconnect when follow is turned off', async () => {
    await following();
    socket().serverCloses(1006);
    await settle();
    expect(text()).toContain('Reconnecting in 1 s…');
    await toggle('Follow');
    (await vi.waitFor(() => http.expectOne(`${base}?tail=200`))).flush({
      lines: [],
      truncated: false,
    } satisfies LogsData);
    await new Promise((done) => setTimeout(done, 1100));
    expect(sockets).toHaveLength(1);
  });

  it('wraps long lines on request and remembers it', async () => {
    await following();
    expect(logView().classList).not.toContain('wrap');
    await (await loader.getHarness(MatButtonHarness.with({ selector: '.wrap-toggle' }))).click();
    await settle();
    expect(logView().classList).toContain('wrap');
    expect(localStorage.getItem('archnest.logs.wrap')).toBe('on');
    await (await loader.getHarness(MatButtonHarness.with({ selector: '.wrap-toggle' }))).click();
    expect(localStorage.getItem('archnest.logs.wrap')).toBe('off');
  });

  it('starts a follow from the chosen window, and the REST tail within since/until', async () => {
    await following();
    const select = await loader.getHarness(MatSelectHarness.with({ ancestor: '.since' }));
    await select.open();
    await select.clickOptions({ text: 'Custom…' });
    await settle();
    const from = await loader.getHarness(
      MatInputHarness.with({ placeholder: '2026-12-07T10:00:00Z' }),
    );
    await from.setValue('2026-06-20T09:00:00Z');
    await from.blur();
    await settle();
    expect(sockets).toHaveLength(2);
    socket().opens();
    expect(socket().sent).toEqual([
      expect.objectContaining({ since: '2026-06-20T09:00:00.000Z', tail: 200 }),
    ]);
    await toggle('Follow');
    (
      await vi.waitFor(() =>
        http.expectOne(
          (r) =>
            r.url === base &&
            r.params.get('since') === '2026-06-20T09:00:00.000Z' &&
            !r.params.has('until'),
        ),
      )
    ).flush({ lines: [], truncated: false } satisfies LogsData);
    const until = await loader.getHarness(
      MatInputHarness.with({ placeholder: '2026-12-07T11:00:00Z' }),
    );
    await until.setValue('2026-06-20T08:00:00Z');
    await until.blur();
    await settle();
    expect(text()).toContain('Until must be after Since');
    await until.setValue('2026-06-20T10:30:00Z');
    await until.blur();
    (
      await vi.waitFor(() =>
        http.expectOne(
          (r) =>
            r.url === base &&
            r.params.get('since') === '2026-06-20T09:00:00.000Z' &&
            r.params.get('until') === '2026-06-20T10:30:00.000Z',
        ),
      )
    ).flush({ lines: [], truncated: false } satisfies LogsData);
  });

  it('with follow off, shows the REST tail once, says when it was cut, and closes the socket', async () => {
    await following();
    await toggle('Follow');
    expect(sockets[0].closedWith).toBe(1000);
    (await vi.waitFor(() => http.expectOne(`${base}?tail=200`))).flush({
      lines: [{ stream: 'stderr', timestamp: '2026-06-20T10:00:01Z', text: 'from rest' }],
      truncated: true,
    } satisfies LogsData);
    await vi.waitFor(async () => {
      await settle();
      expect(lineTexts()).toEqual([expect.stringContaining('from rest')]);
    });
    expect(element().textContent).toContain("cut at the source's size limit");
    expect(sockets).toHaveLength(1);
  });

  it('says what failed when the REST tail fails', async () => {
    await following();
    await toggle('Follow');
    (await vi.waitFor(() => http.expectOne(`${base}?tail=200`))).flush(
      { statusCode: 502, message: 'SSH target "sshbox" is unreachable' },
      { status: 502, statusText: 'Bad Gateway' },
    );
    await vi.waitFor(async () => {
      await settle();
      expect(element().querySelector('[role="alert"]')?.textContent).toContain(
        'Could not load the logs: SSH target "sshbox" is unreachable',
      );
    });
  });

  it('hides timestamps on request and filters stderr or stdout', async () => {
    await following();
    expect(logView().textContent).toMatch(/2026-06-20 \d\d:\d\d:0\d\.\d{3}/);
    await toggle('Timestamps');
    expect(logView().textContent).not.toMatch(/2026-06-20/);

    await (await loader.getHarness(MatButtonToggleHarness.with({ text: 'stderr' }))).check();
    await settle();
    expect(lineTexts()).toEqual(['ERROR <b>x</b>']);
    await (await loader.getHarness(MatButtonToggleHarness.with({ text: 'stdout' }))).check();
    await settle();
    expect(lineTexts()).toEqual(['server started', 'GET /health 200']);
  });

  it('searches with a count, highlights hits and moves between matches', async () => {
    await following([
      ...LINES,
      { t: '2026-06-20T10:00:03Z', stream: 'stdout', text: 'GET /api 500' },
      { t: '2026-06-20T10:00:04Z', stream: 'stdout', text: 'get /api 200' },
    ]);
    await toggle('Timestamps');
    await search('get');
    expect(text()).toContain('3 of 3');
    const hits = [...logView().querySelectorAll('.hit')].map((e) => e.textContent);
    expect(hits).toEqual(['GET', 'GET', 'get']);
    expect(logView().querySelector('.current')!.textContent).toContain('get /api 200');

    await (
      await loader.getHarness(MatButtonHarness.with({ selector: '[aria-label="Previous match"]' }))
    ).click();
    await settle();
    expect(text()).toContain('2 of 3');
    expect(logView().querySelector('.current')!.textContent).toContain('GET /api 500');
    await (
      await loader.getHarness(MatButtonHarness.with({ selector: '[aria-label="Next match"]' }))
    ).click();
    await (
      await loader.getHarness(MatButtonHarness.with({ selector: '[aria-label="Next match"]' }))
    ).click();
    await settle();
    expect(text()).toContain('1 of 3');
    // Navigating pauses auto-scroll; "Jump to latest" resumes it.
    await (await loader.getHarness(MatButtonHarness.with({ text: /Jump to latest/ }))).click();
    await loader.getHarness(MatButtonHarness.with({ text: /Pause/ }));
  });

  it('searches by regular expression and shows an invalid one as an error', async () => {
    await following();
    await toggle('Regex');
    await search('(oops');
    expect(element().textContent).toContain('Not a valid regular expression');
    expect(logView().querySelectorAll('.hit')).toHaveLength(0);
    await search('^GET /\\w+ 2\\d\\d$');
    expect(text()).toContain('1 of 1');
    expect(logView().querySelector('.hit')!.textContent).toBe('GET /health 200');
  });

  it('downloads what is shown as a .log file and says so in the tooltip', async () => {
    const blobs: Blob[] = [];
    const names: string[] = [];
    URL.createObjectURL = vi.fn((blob: Blob) => (blobs.push(blob), 'blob:logs'));
    URL.revokeObjectURL = vi.fn();
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      names.push(this.download);
    });
    await following();
    await toggle('Timestamps');
    await (await loader.getHarness(MatButtonToggleHarness.with({ text: 'stdout' }))).check();
    await settle();
    const download = await loader.getHarness(
      MatButtonHarness.with({ selector: '[aria-label="Download logs"]' }),
    );
    await (await download.host()).hover();
    expect(document.body.textContent).toContain(
      'Download the 2 stdout lines shown (filtered: stdout only) as plain text',
    );
    await download.click();
    expect(names).toEqual([expect.stringMatching(/^web-\d{8}-\d{6}\.log$/)]);
    expect(await blobText(blobs[0])).toBe('server started\nGET /health 200\n');
    click.mockRestore();
  });

  it('closes the follow when the tab goes away', async () => {
    await following();
    fixture.destroy();
    expect(socket().closedWith).toBe(1000);
  });

  it('says so when the source has no logs, and opens nothing', async () => {
    fixture.componentRef.setInput('row', { ...web, capabilities: ['inspect'] });
    await settle();
    expect(element().textContent).toContain('Logs: not reported by this source.');
    expect(sockets).toHaveLength(0);
  });
});
