import { describe, expect, it, vi } from 'vitest';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatButtonToggleHarness } from '@angular/material/button-toggle/testing';
import type { ContainerLogs as LogsData } from '@archnest/contracts';
import { base, LINES, useLogViewerBed, web } from './container-logs.testing';

function blobText(blob: Blob): Promise<string> {
  return new Promise((done) => {
    const reader = new FileReader();
    reader.onload = () => done(reader.result as string);
    reader.readAsText(blob);
  });
}

describe('ContainerLogs (the log viewer)', () => {
  const bed = useLogViewerBed();
  const { element, text, socket, settle, logView, lineTexts, following, toggle, search } = bed;

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
    await (await bed.loader.getHarness(MatButtonHarness.with({ text: 'Follow again' }))).click();
    expect(bed.sockets).toHaveLength(2);
    socket().opens();
    expect(socket().sent).toHaveLength(1);
    await settle();
    expect(lineTexts()).toEqual([]);
  });

  it('with follow off, shows the REST tail once, says when it was cut, and closes the socket', async () => {
    await following();
    await toggle('Follow');
    expect(bed.sockets[0].closedWith).toBe(1000);
    (await vi.waitFor(() => bed.http.expectOne(`${base}?tail=200`))).flush({
      lines: [{ stream: 'stderr', timestamp: '2026-06-20T10:00:01Z', text: 'from rest' }],
      truncated: true,
    } satisfies LogsData);
    await vi.waitFor(async () => {
      await settle();
      expect(lineTexts()).toEqual([expect.stringContaining('from rest')]);
    });
    expect(element().textContent).toContain("cut at the source's size limit");
    expect(bed.sockets).toHaveLength(1);
  });

  it('says what failed when the REST tail fails', async () => {
    await following();
    await toggle('Follow');
    (await vi.waitFor(() => bed.http.expectOne(`${base}?tail=200`))).flush(
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

    await (await bed.loader.getHarness(MatButtonToggleHarness.with({ text: 'stderr' }))).check();
    await settle();
    expect(lineTexts()).toEqual(['ERROR <b>x</b>']);
    await (await bed.loader.getHarness(MatButtonToggleHarness.with({ text: 'stdout' }))).check();
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
      await bed.loader.getHarness(
        MatButtonHarness.with({ selector: '[aria-label="Previous match"]' }),
      )
    ).click();
    await settle();
    expect(text()).toContain('2 of 3');
    expect(logView().querySelector('.current')!.textContent).toContain('GET /api 500');
    await (
      await bed.loader.getHarness(MatButtonHarness.with({ selector: '[aria-label="Next match"]' }))
    ).click();
    await (
      await bed.loader.getHarness(MatButtonHarness.with({ selector: '[aria-label="Next match"]' }))
    ).click();
    await settle();
    expect(text()).toContain('1 of 3');
    // Navigating pauses auto-scroll; "Jump to latest" resumes it.
    await (await bed.loader.getHarness(MatButtonHarness.with({ text: /Jump to latest/ }))).click();
    await bed.loader.getHarness(MatButtonHarness.with({ text: /Pause/ }));
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
    await (await bed.loader.getHarness(MatButtonToggleHarness.with({ text: 'stdout' }))).check();
    await settle();
    const download = await bed.loader.getHarness(
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
    bed.fixture.destroy();
    expect(socket().closedWith).toBe(1000);
  });

  it('says so when the source has no logs, and opens nothing', async () => {
    bed.fixture.componentRef.setInput('row', { ...web, capabilities: ['inspect'] });
    await settle();
    expect(element().textContent).toContain('Logs: not reported by this source.');
    expect(bed.sockets).toHaveLength(0);
  });
});
