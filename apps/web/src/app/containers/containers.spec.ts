import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatExpansionPanelHarness } from '@angular/material/expansion/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MatSlideToggleHarness } from '@angular/material/slide-toggle/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import { MatTabGroupHarness, MatTabHarness } from '@angular/material/tabs/testing';
import { Router, provideRouter } from '@angular/router';
import type { ContainerHost, ContainerSummary, HostContainer } from '@archnest/contracts';
import { authInterceptor } from '../auth/auth-interceptor';
import {
  type FakeChart,
  answerHostTrends,
  fakeCharts,
  history,
  hostTrendUrl,
  point,
} from '../metrics/testing';
import { AUTO_REFRESH_STORAGE_KEY, Containers, REFRESH_INTERVAL_MS } from './containers';
import { detailOf, host, signInAs, summary } from './testing';

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const tcp = host('docker-tcp', 'h1', 'engine01', { containerCount: 2 });
const ssh = host('docker-ssh', 't1', 'sshbox', { status: 'unreachable', containerCount: null });
const agent = host('agent', 'vm-1', 'docker01', { status: 'stale', lastSeenAt: minutesAgo(2) });
const hosts = [tcp, ssh, agent];
const web = summary('aa', 'web', { state: 'exited', status: 'Exited (0) 1 hour ago' });
const cache = summary('cc', 'cache', { state: 'exited', status: 'Exited (1) 2 hours ago' });

function on(where: ContainerHost, container: ContainerSummary): HostContainer {
  return { ...container, source: where.source, hostId: where.hostId, hostName: where.name };
}

describe('Containers page', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<Containers>;
  let loader: HarnessLoader;
  let charts: FakeChart[];

  async function expectGet(url: string): Promise<ReturnType<HttpTestingController['expectOne']>> {
    return vi.waitFor(() => http.expectOne({ method: 'GET', url }));
  }

  async function flushAllHosts(containers: HostContainer[], failures = [] as object[]) {
    (await expectGet('/api/containers/hosts')).flush(hosts);
    (await expectGet('/api/containers')).flush({ containers, failures });
  }

  function text(): string {
    fixture.detectChanges();
    return (fixture.nativeElement as HTMLElement).textContent ?? '';
  }

  function pageTabs(): Promise<MatTabGroupHarness> {
    return loader.getHarness(MatTabGroupHarness.with({ selector: '.page-tabs' }));
  }

  /** Labels of the page's own tabs (a container tab holds a tab group of its own). */
  async function tabLabels(): Promise<string[]> {
    const tabs = await loader.getAllHarnesses(
      MatTabHarness.with({ ancestor: '.page-tabs > .mat-mdc-tab-header' }),
    );
    return Promise.all(tabs.map((tab) => tab.getLabel()));
  }

  async function render(options: { intervalMs?: number } = {}): Promise<void> {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        provideRouter([]),
        { provide: REFRESH_INTERVAL_MS, useValue: options.intervalMs ?? 60_000 },
        fakeCharts(charts),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    await signInAs('admin');
    fixture = TestBed.createComponent(Containers);
    loader = TestbedHarnessEnvironment.loader(fixture);
  }

  beforeEach(() => {
    localStorage.clear();
    charts = [];
  });

  // Soft, so a leftover request fails this test without skipping Angular's TestBed teardown.
  afterEach(() => {
    answerHostTrends(http);
    expect.soft(() => http.verify()).not.toThrow();
  });

  it('groups the hosts by source with their status, counts and last report', async () => {
    await render();
    await flushAllHosts([]);

    const select = await loader.getHarness(MatSelectHarness);
    expect(await select.getValueText()).toBe('All hosts');
    await select.open();
    (await expectGet(hostTrendUrl('docker-tcp', 'h1'))).flush(history([point(0, 12.5)]));
    const groups = await select.getOptionGroups();
    expect(await Promise.all(groups.map((g) => g.getLabelText()))).toEqual([
      'Docker API',
      'Docker over SSH',
      'Agent',
    ]);
    const options = await Promise.all((await select.getOptions()).map((o) => o.getText()));
    expect(options[0]).toContain('3 hosts');
    expect(options[1]).toMatch(/engine01\s*Online · 2 containers/);
    const [engine01] = await select.getOptions({ text: /engine01/ });
    await vi.waitFor(async () =>
      expect(await engine01.getText()).toMatch(/CPU 12\.5 %\s*Mem 50\.0 MiB\s*Running 2/),
    );
    expect(options[2]).toMatch(/sshbox\s*Unreachable · count unknown/);
    expect(options[3]).toMatch(/docker01\s*Stale · 1 container · last report 2 min ago/);
  });

  it('lists the containers of every source under All hosts, with a Host column', async () => {
    await render();
    await flushAllHosts(
      [on(tcp, web), on(agent, cache)],
      [{ source: 'docker-ssh', hostId: 't1', message: 'connect ECONNREFUSED' }],
    );

    const cells = await (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();
    expect(cells['name'].text).toEqual(['cache', 'web']);
    expect(cells['host'].text).toEqual(['docker01Agent', 'engine01Docker API']);
    await vi.waitFor(() =>
      expect(text()).toContain('sshbox (Docker over SSH): connect ECONNREFUSED'),
    );
  });

  it('loads the containers of the host picked and keeps it in the address', async () => {
    await render();
    await flushAllHosts([on(tcp, web), on(agent, cache)]);

    const select = await loader.getHarness(MatSelectHarness);
    await select.open();
    await select.clickOptions({ text: /docker01/ });
    (await expectGet('/api/containers/hosts')).flush(hosts);
    (await expectGet('/api/containers/agent/vm-1')).flush([cache]);

    const table = await loader.getHarness(MatTableHarness);
    const cells = await table.getCellTextByColumnName();
    expect(cells['name'].text).toEqual(['cache']);
    expect(cells['host']).toBeUndefined();
    expect(TestBed.inject(Router).url).toBe('/?host=agent%2Fvm-1');
  });

  it("offers the picked host's history, asked for only while it is open", async () => {
    await render();
    await flushAllHosts([on(agent, cache)]);
    expect(await loader.getAllHarnesses(MatExpansionPanelHarness)).toEqual([]);

    const select = await loader.getHarness(MatSelectHarness);
    await select.open();
    await select.clickOptions({ text: /docker01/ });
    (await expectGet('/api/containers/hosts')).flush(hosts);
    (await expectGet('/api/containers/agent/vm-1')).flush([cache]);
    answerHostTrends(http); // the sparklines of the options
    const panel = await loader.getHarness(
      MatExpansionPanelHarness.with({ title: 'History of docker01' }),
    );
    http.expectNone(hostTrendUrl('agent', 'vm-1'));

    await panel.expand();
    (await expectGet(hostTrendUrl('agent', 'vm-1'))).flush(history([point(0, 10)]));
    await vi.waitFor(() => expect(charts).toHaveLength(5));
    expect(await panel.getTextContent()).toContain('Running containers');

    // A refresh of the list keeps the panel open and its charts as they are.
    await (
      await loader.getHarness(MatButtonHarness.with({ selector: '[aria-label="Refresh now"]' }))
    ).click();
    (await expectGet('/api/containers/hosts')).flush(hosts.map((h) => ({ ...h })));
    (await expectGet('/api/containers/agent/vm-1')).flush([cache]);
    expect(await panel.isExpanded()).toBe(true);
    http.expectNone(hostTrendUrl('agent', 'vm-1'));
    expect(charts.filter((chart) => !chart.destroyed)).toHaveLength(5);

    await panel.collapse();
    await vi.waitFor(() => expect(charts.every((chart) => chart.destroyed)).toBe(true));
  });

  it('opens a closeable tab per container, focuses it when opened again, keeps it on refresh', async () => {
    await render();
    await flushAllHosts([on(tcp, web), on(agent, cache)]);
    await vi.waitFor(() => expect(text()).toContain('engine01'));
    const openWeb = () =>
      loader.getHarness(MatButtonHarness.with({ selector: '[aria-label="Open web on engine01"]' }));

    await (await openWeb()).click();
    (await expectGet(`/api/containers/docker-tcp/h1/${web.id}`)).flush(detailOf(web));
    expect(await tabLabels()).toEqual(['Containers', 'web']);
    expect(await (await (await pageTabs()).getSelectedTab()).getLabel()).toBe('web');

    await (await (await pageTabs()).getTabs({ label: 'Containers' }))[0].select();
    expect(await (await (await pageTabs()).getSelectedTab()).getLabel()).toBe('Containers');
    await (await openWeb()).click();
    expect(await tabLabels()).toEqual(['Containers', 'web']);
    expect(await (await (await pageTabs()).getSelectedTab()).getLabel()).toBe('web');

    await (
      await loader.getHarness(MatButtonHarness.with({ selector: '[aria-label="Refresh now"]' }))
    ).click();
    await flushAllHosts([on(agent, cache)]);
    expect(await tabLabels()).toEqual(['Containers', 'web']);

    await (await loader.getHarness(MatButtonHarness.with({ text: 'Close tab' }))).click();
    expect(await tabLabels()).toEqual(['Containers']);
    expect(await (await (await pageTabs()).getSelectedTab()).getLabel()).toBe('Containers');
  });

  it('refreshes on its own until auto-refresh is turned off, and remembers that', async () => {
    await render({ intervalMs: 40 });
    await flushAllHosts([on(tcp, web)]);
    await flushAllHosts([on(tcp, web)]);
    expect(text()).toMatch(/Updated \d/);

    await (await loader.getHarness(MatSlideToggleHarness.with({ label: 'Auto-refresh' }))).toggle();
    await new Promise((resolve) => setTimeout(resolve, 120));
    // At most one tick was already in flight when the toggle flipped.
    for (const pending of http.match('/api/containers/hosts')) {
      pending.flush(hosts);
      (await expectGet('/api/containers')).flush({ containers: [], failures: [] });
    }
    await new Promise((resolve) => setTimeout(resolve, 120));
    http.expectNone('/api/containers/hosts');
    expect(localStorage.getItem(AUTO_REFRESH_STORAGE_KEY)).toBe('off');
  });

  it('tells an admin where to add the first host', async () => {
    await render();
    (await expectGet('/api/containers/hosts')).flush([]);
    (await expectGet('/api/containers')).flush({ containers: [], failures: [] });

    await vi.waitFor(() => expect(text()).toContain('No hosts yet'));
    const link = await loader.getHarness(MatButtonHarness.with({ text: 'Add a host' }));
    expect(await (await link.host()).getAttribute('href')).toBe('/hosts');
  });

  it('shows why loading failed and retries', async () => {
    await render();
    (await expectGet('/api/containers/hosts')).flush(hosts);
    (await expectGet('/api/containers')).flush(
      { statusCode: 500, message: 'Internal server error (correlation id 42)' },
      { status: 500, statusText: 'Internal Server Error' },
    );
    await vi.waitFor(() =>
      expect(text()).toContain('Could not load the containers: Internal server error'),
    );

    await (await loader.getHarness(MatButtonHarness.with({ text: 'Retry' }))).click();
    await flushAllHosts([on(tcp, web)]);
    await vi.waitFor(() => expect(text()).not.toContain('Could not load'));
    expect(text()).toContain('web');
  });
});
