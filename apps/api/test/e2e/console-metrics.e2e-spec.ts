/// <reference lib="dom" />
/**
 * The Stats tab's history charts and the host sparklines in headless Chromium against the real
 * API, with a Docker API host (the private dockerd's unix socket) sampled every second.
 */
import type { MetricsHistory } from '@archnest/contracts';
import type { Browser, Locator, Page } from 'playwright-core';
import type { ApiProcess } from '../support/api-process';
import { collectPageErrors, launchChromium } from '../support/browser';
import { removeContainers, runContainer, unixUrl } from '../support/docker-tcp';
import {
  ADMIN,
  Api,
  screenshot,
  seriousViolations,
  signIn,
  startConsoleApi,
  useTheme,
} from './console-support';

jest.setTimeout(120_000);

const SFX = `e2e${process.pid}`;
const BUSY = `busy-${SFX}`;
const TCP = 'lab-metrics';

describe('console: metrics history', () => {
  let api: ApiProcess;
  let admin: Api;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let tcpId: string;

  const historyPath = () => `/api/containers/docker-tcp/${tcpId}/${BUSY}/metrics`;
  const chart = (detail: Locator, caption: string) =>
    detail
      .locator('app-metrics-chart')
      .filter({ has: page.locator('figcaption', { hasText: caption }) });

  /** Waits until the API's history of the container holds a sampled CPU figure. */
  async function sampled(): Promise<MetricsHistory> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const reply = await admin.send<MetricsHistory>('GET', `${historyPath()}?range=1h`);
      if (reply.status === 200 && reply.body.points.some((p) => p.cpuPercent !== null)) {
        return reply.body;
      }
      if (Date.now() > deadline) {
        throw new Error(`no sampled history: ${reply.status} ${JSON.stringify(reply.body)}`);
      }
      await new Promise((done) => setTimeout(done, 1000));
    }
  }

  async function openStats(): Promise<Locator> {
    await page.goto(`${api.baseUrl}/containers?host=docker-tcp/${tcpId}`);
    await page.getByLabel('Filter containers').fill(SFX);
    await page.getByRole('button', { name: `Open ${BUSY} on ${TCP}`, exact: true }).click();
    const detail = page.getByRole('tabpanel', { name: `${BUSY} on ${TCP}`, exact: true });
    await detail.getByRole('tab', { name: 'Stats' }).click();
    return detail;
  }

  beforeAll(async () => {
    await removeContainers([BUSY]);
    // A quarter of a CPU kept busy: the CPU chart and its legend have something to show.
    await runContainer(BUSY, ['--cpus', '0.25'], ['sh', '-c', 'while :; do :; done']);
    api = await startConsoleApi({ ARCHNEST_DOCKER_STATS_INTERVAL_MS: '1000' });
    admin = await Api.signIn(api.baseUrl, ADMIN);
    tcpId = (
      await admin.ok<{ id: string }>('POST', '/api/docker/hosts', { name: TCP, url: unixUrl() })
    ).id;
    await sampled();

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    pageErrors = collectPageErrors(page);
    await signIn(page, api.baseUrl, ADMIN);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await removeContainers([BUSY]);
  });

  it('answers a bad range with a 400 that names the parameter', async () => {
    const reply = await admin.send<{ message: string | string[] }>(
      'GET',
      `${historyPath()}?range=2h`,
    );
    expect(reply.status).toBe(400);
    expect(String(reply.body.message)).toMatch(/range/);
  });

  it('draws the four charts under the snapshot, with CPU values in the legend', async () => {
    await useTheme(page, 'light');
    const firstAsk = page.waitForRequest((r) => r.url().includes('/metrics?range=1h'));
    const detail = await openStats();
    await firstAsk;
    await detail.getByText(/Snapshot taken/).waitFor();
    for (const caption of ['CPU', 'Memory', 'Network', 'Block I/O']) {
      await chart(detail, caption).locator('canvas').waitFor();
    }
    const cpu = chart(detail, 'CPU');
    // Away from the plot the legend shows the latest value; over it, the value at the cursor.
    await cpu
      .locator('.u-legend')
      .filter({ hasText: /CPU\s*\d+\.\d %/ })
      .waitFor();
    const plot = await cpu.locator('.u-over').boundingBox();
    await page.mouse.move(plot!.x + plot!.width - 4, plot!.y + plot!.height / 2);
    expect(await cpu.locator('.u-legend').innerText()).toMatch(/CPU\s*(\d+\.\d %|—)/);
    expect(await cpu.getByRole('figure').getAttribute('aria-label')).toMatch(
      /^CPU chart, latest: CPU \d+\.\d %$/,
    );
    await screenshot(page, 'metrics-light');
    expect(await seriousViolations(page)).toEqual([]);
    await useTheme(page, 'dark');
    await chart(detail, 'CPU').locator('canvas').waitFor();
    await screenshot(page, 'metrics-dark');
    expect(await seriousViolations(page)).toEqual([]);
    await useTheme(page, 'light');
  });

  it('asks the route again for the range picked', async () => {
    const detail = page.getByRole('tabpanel', { name: `${BUSY} on ${TCP}`, exact: true });
    const asked = page.waitForResponse((r) => r.url().includes('/metrics?range=24h'));
    await detail.locator('mat-button-toggle', { hasText: /^24h$/ }).locator('button').click();
    const answer = await asked;
    expect(answer.status()).toBe(200);
    const history = (await answer.json()) as MetricsHistory;
    expect(history.range).toBe('24h');
    expect(history.points.length).toBeGreaterThan(0);
    await detail.getByText(`One point per `).waitFor();
    await chart(detail, 'CPU').locator('canvas').waitFor();
  });

  it('shows a CPU and memory sparkline of the last hour for the host', async () => {
    await page.getByRole('tab', { name: 'Containers', exact: true }).click();
    await page.getByRole('combobox', { name: 'Host' }).click();
    const option = page.getByRole('option', { name: new RegExp(TCP) });
    await option.getByRole('img', { name: /^CPU over the last hour, now \d+\.\d %$/ }).waitFor();
    await option.getByRole('img', { name: /^Memory over the last hour, now / }).waitFor();
    await page.keyboard.press('Escape');
    await page.goto(`${api.baseUrl}/hosts`);
    const row = page.getByRole('row').filter({ hasText: TCP });
    await row.getByRole('img', { name: /^CPU over the last hour/ }).waitFor();
  });

  it('ran without console errors (no CSP violations, no failed scripts)', () => {
    expect(pageErrors).toEqual([]);
  });
});
