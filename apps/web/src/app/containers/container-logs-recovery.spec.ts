import { describe, expect, it, vi } from 'vitest';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import type { ContainerLogs as LogsData } from '@archnest/contracts';
import { base, LINES, useLogViewerBed } from './container-logs.testing';

/** The log viewer when a follow is lost, wrapped, or started from a time window. */
describe('ContainerLogs: reconnect, wrap and window', () => {
  const bed = useLogViewerBed();
  const { element, text, socket, settle, logView, lineTexts, following, toggle } = bed;

  it('reconnects a follow lost mid-stream (error + 4502), resuming after the last line', async () => {
    await following();
    socket().serverSends({ type: 'error', message: 'SSH target "sshbox" is unreachable' });
    socket().serverCloses(4502);
    await settle();
    expect(element().querySelector('[role="alert"]')).toBeNull();
    expect(text()).toContain('Connection lost · Reconnecting in 1 s… · 3 lines');
    expect(lineTexts().at(-1)).toBe('Connection lost: SSH target "sshbox" is unreachable');
    await (await bed.loader.getHarness(MatButtonHarness.with({ text: 'Reconnect now' }))).click();
    expect(bed.sockets).toHaveLength(2);
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
    (await vi.waitFor(() => bed.http.expectOne(`${base}?tail=200`))).flush({
      lines: [],
      truncated: false,
    } satisfies LogsData);
    await new Promise((done) => setTimeout(done, 1100));
    expect(bed.sockets).toHaveLength(1);
  });

  it('wraps long lines on request and remembers it', async () => {
    await following();
    expect(logView().classList).not.toContain('wrap');
    await (
      await bed.loader.getHarness(MatButtonHarness.with({ selector: '.wrap-toggle' }))
    ).click();
    await settle();
    expect(logView().classList).toContain('wrap');
    expect(localStorage.getItem('archnest.logs.wrap')).toBe('on');
    await (
      await bed.loader.getHarness(MatButtonHarness.with({ selector: '.wrap-toggle' }))
    ).click();
    expect(localStorage.getItem('archnest.logs.wrap')).toBe('off');
  });

  it('starts a follow from the chosen window, and the REST tail within since/until', async () => {
    await following();
    const select = await bed.loader.getHarness(MatSelectHarness.with({ ancestor: '.since' }));
    await select.open();
    await select.clickOptions({ text: 'Custom…' });
    await settle();
    const from = await bed.loader.getHarness(
      MatInputHarness.with({ placeholder: '2026-12-07T10:00:00Z' }),
    );
    await from.setValue('2026-06-20T09:00:00Z');
    await from.blur();
    await settle();
    expect(bed.sockets).toHaveLength(2);
    socket().opens();
    expect(socket().sent).toEqual([
      expect.objectContaining({ since: '2026-06-20T09:00:00.000Z', tail: 200 }),
    ]);
    await toggle('Follow');
    (
      await vi.waitFor(() =>
        bed.http.expectOne(
          (r) =>
            r.url === base &&
            r.params.get('since') === '2026-06-20T09:00:00.000Z' &&
            !r.params.has('until'),
        ),
      )
    ).flush({ lines: [], truncated: false } satisfies LogsData);
    const until = await bed.loader.getHarness(
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
        bed.http.expectOne(
          (r) =>
            r.url === base &&
            r.params.get('since') === '2026-06-20T09:00:00.000Z' &&
            r.params.get('until') === '2026-06-20T10:30:00.000Z',
        ),
      )
    ).flush({ lines: [], truncated: false } satisfies LogsData);
  });
});
