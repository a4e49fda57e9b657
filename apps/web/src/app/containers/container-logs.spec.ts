import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MatSlideToggleHarness } from '@angular/material/slide-toggle/testing';
import type { ContainerLogs as LogsData } from '@archnest/contracts';
import { ContainerLogs } from './container-logs';
import { host, row, summary } from './testing';

const web = row(host('docker-ssh', 't1', 'sshbox'), summary('aa', 'web'));
const base = `/api/containers/docker-ssh/t1/${web.id}/logs`;

const LOGS: LogsData = {
  lines: [
    {
      stream: 'stdout',
      timestamp: '2026-06-20T10:00:00.5Z',
      text: 'server \x1b[32mstarted\x1b[0m',
    },
    {
      stream: 'stderr',
      timestamp: '2026-06-20T10:00:01Z',
      text: '\x1b[1;31mERROR\x1b[0m <b>x</b>',
    },
  ],
  truncated: false,
};

describe('ContainerLogs', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<ContainerLogs>;
  let loader: HarnessLoader;

  function logView(): HTMLElement {
    fixture.detectChanges();
    return (fixture.nativeElement as HTMLElement).querySelector('[role="log"]')!;
  }

  async function expectTail(tail: number, logs: LogsData = LOGS): Promise<void> {
    (await vi.waitFor(() => http.expectOne(`${base}?tail=${tail}`))).flush(logs);
  }

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(ContainerLogs);
    fixture.componentRef.setInput('row', web);
    loader = TestbedHarnessEnvironment.loader(fixture);
  });

  afterEach(() => expect.soft(() => http.verify()).not.toThrow());

  it('shows the recent tail in a log region with ANSI colours as styled text', async () => {
    await expectTail(200);
    await vi.waitFor(() => expect(logView()).not.toBeNull());

    const lines = logView().querySelectorAll('.line');
    expect(lines).toHaveLength(2);
    expect(lines[1].getAttribute('data-stream')).toBe('stderr');
    const error = [...lines[1].querySelectorAll('span')].find((s) => s.textContent === 'ERROR')!;
    expect(error.className).toContain('ansi-fg-1');
    expect(error.className).toContain('ansi-bold');
    // Text from a container is never markup.
    expect(lines[1].querySelector('b')).toBeNull();
    expect(lines[1].textContent).toContain('<b>x</b>');
    expect(logView().textContent).not.toContain('\x1b');
  });

  it('loads more lines when the tail changes and hides timestamps on request', async () => {
    await expectTail(200);
    const tail = await loader.getHarness(MatSelectHarness);
    await tail.open();
    await tail.clickOptions({ text: 'Last 1000' });
    await expectTail(1000);

    expect(logView().textContent).toMatch(/2026-06-20 \d\d:\d\d:\d\d/);
    await (await loader.getHarness(MatSlideToggleHarness.with({ label: 'Timestamps' }))).toggle();
    expect(logView().textContent).not.toMatch(/2026-06-20/);
  });

  it('says when the output was cut and when there are no lines', async () => {
    await expectTail(200, { lines: [], truncated: true });
    await vi.waitFor(() => expect(logView()).not.toBeNull());
    const text = (fixture.nativeElement as HTMLElement).textContent;
    expect(text).toContain("cut at the source's size limit");
    expect(text).toContain('No log lines yet.');
  });

  it('shows the server message when logs fail', async () => {
    (await vi.waitFor(() => http.expectOne(`${base}?tail=200`))).flush(
      { statusCode: 502, message: 'SSH target "sshbox" is unreachable' },
      { status: 502, statusText: 'Bad Gateway' },
    );
    await vi.waitFor(() =>
      expect((fixture.nativeElement as HTMLElement).textContent).toContain(
        'Could not load the logs: SSH target "sshbox" is unreachable',
      ),
    );
  });
});
