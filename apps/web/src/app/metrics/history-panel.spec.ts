import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonToggleHarness } from '@angular/material/button-toggle/testing';
import { ContainerStatsPanel } from '../containers/container-stats';
import { host, row, summary } from '../containers/testing';
import { Theme } from '../shell/theme';
import { METRICS_POLL_MS, HistoryPanel } from './history-panel';
import { type FakeChart, MIB, T0, fakeCharts, history, point } from './testing';

type LegendValue = (
  u: unknown,
  raw: number | null,
  seriesIdx: number,
  idx: number | null,
) => string;

describe('HistoryPanel', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<unknown>;
  let loader: HarnessLoader;
  let charts: FakeChart[];

  const containerUrl = '/api/containers/docker-tcp/h1/web/metrics';
  const live = () => charts.filter((chart) => !chart.destroyed);
  const chart = (label: string) => live().find((c) => c.label === label)!;
  const text = () => (fixture.nativeElement as HTMLElement).textContent ?? '';
  const asked = (url: string) => vi.waitFor(() => http.expectOne(url));

  function configure(pollMs = 60_000): void {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: METRICS_POLL_MS, useValue: pollMs },
        fakeCharts(charts),
      ],
    });
    http = TestBed.inject(HttpTestingController);
  }

  /** The panel of the container `web` (by name) on h1, as the Stats section shows it. */
  function renderContainer(): void {
    const panel = TestBed.createComponent(HistoryPanel);
    panel.componentRef.setInput('source', 'docker-tcp');
    panel.componentRef.setInput('hostId', 'h1');
    panel.componentRef.setInput('container', 'web');
    fixture = panel;
    loader = TestbedHarnessEnvironment.loader(panel);
  }

  async function pickRange(range: string): Promise<void> {
    await (await loader.getHarness(MatButtonToggleHarness.with({ text: range }))).check();
  }

  beforeEach(() => {
    localStorage.clear();
    charts = [];
  });

  afterEach(() => expect.soft(() => http.verify()).not.toThrow());

  it('sits under the snapshot in the Stats section and asks for the container by name', async () => {
    configure();
    const stats = TestBed.createComponent(ContainerStatsPanel);
    const web = row(host('docker-tcp', 'h1', 'engine01'), summary('aa', 'web'));
    stats.componentRef.setInput('row', web);
    stats.componentRef.setInput('state', 'exited');
    fixture = stats;

    (await asked(`${containerUrl}?range=1h`)).flush(history([point(0, 10)]));
    await vi.waitFor(() => expect(live()).toHaveLength(4));
    const element = stats.nativeElement as HTMLElement;
    expect(element.querySelector('.snapshot + app-history-panel h3')?.textContent).toBe('History');
  });

  it("draws a container's CPU, memory against its limit, network and block I/O", async () => {
    configure();
    renderContainer();
    (await asked(`${containerUrl}?range=1h`)).flush(history([point(0, 10), point(1, 20)]));

    await vi.waitFor(() => expect(live()).toHaveLength(4));
    expect(live().map((c) => c.options.series.slice(1).map((s) => s.label))).toEqual([
      ['CPU'],
      ['Used', 'Limit'],
      ['Received', 'Sent'],
      ['Read', 'Written'],
    ]);
    const captions = Array.from(
      (fixture.nativeElement as HTMLElement).querySelectorAll('figcaption'),
      (caption) => caption.textContent,
    );
    expect(captions).toEqual(['CPU', 'Memory', 'Network', 'Block I/O']);
    expect(chart('CPU').latest).toEqual([
      [T0 / 1000, T0 / 1000 + 60],
      [10, 20],
    ]);
    expect(chart('Used').latest.slice(1)).toEqual([
      [50 * MIB, 50 * MIB],
      [512 * MIB, 512 * MIB],
    ]);
    expect(chart('Used').options.series[2].dash).toEqual([6, 4]);
    expect(text()).toContain('One point per 1 min');
  });

  it('scales memory to the usage; draws the limit only within 4× of it, else in the legend', async () => {
    configure();
    renderContainer();
    // 50 MiB used of 512 MiB: more than 4× away, as the host's RAM is for a container without one.
    (await asked(`${containerUrl}?range=1h`)).flush(history([point(0, 10), point(1, 20)]));
    await vi.waitFor(() => expect(live()).toHaveLength(4));

    const memory = chart('Used');
    const yRange = memory.options.scales!['y'].range as (u: unknown) => [number, number];
    const inView = (data: unknown) => ({ data, series: [{ idxs: [0, 1] }] });
    expect(yRange(inView(memory.latest))).toEqual([0, 50 * MIB * 1.1]);
    const legend = memory.options.series[2].value as LegendValue;
    expect(legend(inView(memory.latest), null, 2, null)).toBe('512.0 MiB');
    expect(legend(inView(memory.latest), 512 * MIB, 2, 1)).toBe('512.0 MiB');

    await pickRange('6h');
    const near = [point(0, 10), point(1, 20)].map((p) => ({ ...p, memLimit: 128 * MIB }));
    (await asked(`${containerUrl}?range=6h`)).flush(history(near, { range: '6h', step: 30 }));
    await vi.waitFor(() => expect(memory.latest[2]).toEqual([128 * MIB, 128 * MIB]));
    expect(yRange(inView(memory.latest))).toEqual([0, 128 * MIB * 1.1]);
  });

  it('spans the steps between sparse samples (an agent every minute), not a longer silence', async () => {
    configure();
    renderContainer();
    const cpu = [10, null, 20, null, 30, null, null, null, null, 40, null, 50];
    (await asked(`${containerUrl}?range=1h`)).flush(
      history(
        cpu.map((value, i) => point(i, value)),
        { step: 15 },
      ),
    );
    await vi.waitFor(() => expect(live()).toHaveLength(4));
    const u = undefined;
    expect(chart('CPU').latest[1]).toStrictEqual([
      10,
      u,
      20,
      u,
      30,
      null,
      null,
      null,
      null,
      40,
      u,
      50,
    ]);
    expect(chart('Used').latest[2]).toContain(undefined);
  });

  it('hands uPlot nulls for a gap, never spans it, and reads the latest value around it', async () => {
    configure();
    renderContainer();
    (await asked(`${containerUrl}?range=1h`)).flush(
      history([point(0, 10), point(1, null), point(2, 30), point(3, null)]),
    );

    await vi.waitFor(() => expect(live()).toHaveLength(4));
    expect(chart('CPU').latest[1]).toEqual([10, null, 30, null]);
    expect(chart('Received').latest[1]).toEqual([2048, null, 2048, null]);
    const series = live().flatMap((c) => c.options.series.slice(1));
    expect(series.map((s) => s.spanGaps)).toEqual(Array<boolean>(series.length).fill(false));

    // The legend: the value at the cursor, the latest one when the cursor is away.
    const legend = chart('CPU').options.series[1].value as LegendValue;
    const u = { data: chart('CPU').latest };
    expect(legend(u, null, 1, 1)).toBe('—');
    expect(legend(u, 10, 1, 0)).toBe('10.0 %');
    expect(legend(u, null, 1, null)).toBe('30.0 %');
    const figure = (fixture.nativeElement as HTMLElement).querySelector('figure');
    expect(figure?.getAttribute('aria-label')).toBe('CPU chart, latest: CPU 30.0 %');
  });

  it('asks again for the range picked and draws its answer in the same charts', async () => {
    configure();
    renderContainer();
    (await asked(`${containerUrl}?range=1h`)).flush(history([point(0, 10)]));
    await vi.waitFor(() => expect(live()).toHaveLength(4));

    const toggles = await loader.getAllHarnesses(MatButtonToggleHarness);
    expect(await Promise.all(toggles.map((t) => t.getText()))).toEqual([
      '1h',
      '6h',
      '24h',
      '7d',
      '30d',
    ]);
    await pickRange('7d');
    (await asked(`${containerUrl}?range=7d`)).flush(
      history([point(0, 5), point(60, 6)], { range: '7d', step: 900 }),
    );
    await vi.waitFor(() => expect(chart('CPU').latest[1]).toEqual([5, 6]));
    expect(text()).toContain('One point per 15 min');
    expect(charts).toHaveLength(4);
  });

  it('drops an answer for a range that is no longer picked', async () => {
    configure();
    renderContainer();
    const first = await asked(`${containerUrl}?range=1h`);
    await pickRange('24h');
    const second = await asked(`${containerUrl}?range=24h`);

    second.flush(history([point(0, 24)], { range: '24h' }));
    await vi.waitFor(() => expect(live()).toHaveLength(4));
    first.flush(history([point(0, 1)]));
    await new Promise((done) => setTimeout(done, 20));
    expect(chart('CPU').latest[1]).toEqual([24]);
  });

  it('asks again while it is on the page and stops once it is gone', async () => {
    configure(40);
    renderContainer();
    (await asked(`${containerUrl}?range=1h`)).flush(history([point(0, 10)]));
    await vi.waitFor(() => expect(live()).toHaveLength(4));

    (await asked(`${containerUrl}?range=1h`)).flush(history([point(0, 10), point(1, 11)]));
    await vi.waitFor(() => expect(chart('CPU').latest[1]).toEqual([10, 11]));
    expect(charts).toHaveLength(4);

    fixture.destroy();
    for (const pending of http.match(`${containerUrl}?range=1h`)) {
      pending.flush(history([]));
    }
    await new Promise((done) => setTimeout(done, 150));
    http.expectNone(`${containerUrl}?range=1h`);
    expect(charts.every((c) => c.destroyed)).toBe(true);
  });

  it('rebuilds the charts when the theme flips, since a canvas cannot follow CSS', async () => {
    configure();
    renderContainer();
    (await asked(`${containerUrl}?range=1h`)).flush(history([point(0, 10)]));
    await vi.waitFor(() => expect(live()).toHaveLength(4));

    TestBed.inject(Theme).toggle();
    fixture.detectChanges();
    await vi.waitFor(() => expect(charts).toHaveLength(8));
    expect(live()).toHaveLength(4);
    expect(chart('CPU').latest[1]).toEqual([10]);
  });

  it('says why the history did not load, as the API puts it', async () => {
    configure();
    renderContainer();
    (await asked(`${containerUrl}?range=1h`)).flush(
      { statusCode: 400, error: 'Bad Request', message: 'range must be one of 1h, 6h, 24h' },
      { status: 400, statusText: 'Bad Request' },
    );
    await vi.waitFor(() =>
      expect(text()).toContain('Could not load the history: range must be one of 1h, 6h, 24h'),
    );
    expect(charts).toEqual([]);
  });

  it('says so when nothing was recorded in the range', async () => {
    configure();
    renderContainer();
    (await asked(`${containerUrl}?range=1h`)).flush(history([point(0, null), point(1, null)]));
    await vi.waitFor(() => expect(text()).toContain('Nothing was recorded in this range yet'));
  });

  it("draws a host's summed figures and how many containers ran, from the host route", async () => {
    configure();
    const panel = TestBed.createComponent(HistoryPanel);
    panel.componentRef.setInput('source', 'agent');
    panel.componentRef.setInput('hostId', 'vm-1');
    fixture = panel;

    (await asked('/api/containers/hosts/agent/vm-1/metrics?range=1h')).flush(
      history([point(0, 10), point(1, null)]),
    );
    await vi.waitFor(() => expect(live()).toHaveLength(5));
    expect(live().map((c) => c.options.series.slice(1).map((s) => s.label))).toEqual([
      ['CPU'],
      ['Used'],
      ['Received', 'Sent'],
      ['Read', 'Written'],
      ['Running'],
    ]);
    expect(chart('Running').latest[1]).toEqual([2, null]);
    expect(text()).toContain('Running containers');
  });
});
