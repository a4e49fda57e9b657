/// <reference lib="dom" />
/**
 * The Stats tab's history charts and the host sparklines in headless Chromium against the real
 * API: a Docker API host (the private dockerd's unix socket) sampled every second, and an agent
 * host whose last hour was reported through the ingest route, one report a minute (the
 * screenshots).
 */
import type { AgentContainerStats, MetricsHistory } from '@archnest/contracts';
import type { Browser, Locator, Page } from 'playwright-core';
import { agentContainer, agentReport } from '../support/agent-report-fixture';
import type { ApiProcess } from '../support/api-process';
import { collectPageErrors, launchChromium } from '../support/browser';
import { removeContainers, runContainer, unixUrl } from '../support/docker-tcp';
import {
  ADMIN,
  Api,
  postAgentReport,
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
const AGENT_ID = `shop-vm-${SFX}`;
const EDGE = 'shop-edge01';
const SHOP = `shop-api-${SFX}`;
const MIB = 2 ** 20;
/** A container without a memory limit: Docker reports the host's RAM as its limit. */
const HOST_RAM = 16 * 1024 * MIB;
/** One report a minute over the last hour, oldest first (the ingest allows 120 a minute). */
const REPORTS = 60;

/** Minute `i` of the hour of a shop API: a slow swell of traffic, bursts, memory that a GC drops. */
function workload(i: number) {
  const swell = Math.sin(i / 7);
  const burst = i % 13 === 4 || i % 13 === 5;
  return {
    cpuPercent: Math.round((24 + 10 * swell + (burst ? 30 : 0) + ((i * 7) % 5)) * 10) / 10,
    memUsage: Math.round((150 + 6 * (i % 25) + 25 * Math.sin(i / 4)) * MIB),
    rxPerSec: Math.round(48_000 + 20_000 * swell + (burst ? 90_000 : 0)),
    txPerSec: Math.round(150_000 + 60_000 * swell + (burst ? 260_000 : 0)),
    readPerSec: i % 15 === 0 ? 1_500_000 : 2_048,
    writePerSec: 24_000 + (i % 10 === 9 ? 600_000 : 0),
  };
}

/** The agent's reports: counters that add up each minute's rates, stats at `reportedAt`. */
function shopReports(now: number) {
  const counters = { rx: 9e9, tx: 3e10, read: 4e8, write: 2e9 };
  return Array.from({ length: REPORTS }, (_, i) => {
    const minute = workload(i);
    if (i > 0) {
      counters.rx += minute.rxPerSec * 60;
      counters.tx += minute.txPerSec * 60;
      counters.read += minute.readPerSec * 60;
      counters.write += minute.writePerSec * 60;
    }
    const stats: AgentContainerStats = {
      cpuPercent: minute.cpuPercent,
      memUsage: minute.memUsage,
      memLimit: HOST_RAM,
      netRxBytes: counters.rx,
      netTxBytes: counters.tx,
      blockReadBytes: counters.read,
      blockWriteBytes: counters.write,
    };
    const container = agentContainer({
      id: 'a1'.repeat(32),
      name: SHOP,
      image: 'shop/api:2.4',
      stats,
    });
    const reportedAt = new Date(now - (REPORTS - 1 - i) * 60_000).toISOString();
    return agentReport({ hostId: AGENT_ID, hostname: EDGE, reportedAt, containers: [container] });
  });
}

/** The step of a history that holds a report made at `iso`. */
const stepOf = (iso: string, step: number) =>
  Math.floor(Math.floor(Date.parse(iso) / 1000) / step) * step;

describe('console: metrics history', () => {
  let api: ApiProcess;
  let admin: Api;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let tcpId: string;

  const historyPath = () => `/api/containers/docker-tcp/${tcpId}/${BUSY}/metrics`;
  const shopPath = `/api/containers/agent/${AGENT_ID}/${SHOP}/metrics?range=1h`;
  let reports: ReturnType<typeof shopReports>;
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

  /** Waits until the history is flushed up to the last report (samples are written in order). */
  async function reported(): Promise<MetricsHistory> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const history = await admin.ok<MetricsHistory>('GET', shopPath);
      const last = stepOf(reports[REPORTS - 1].reportedAt, history.step);
      if (history.points.some((p) => Date.parse(p.t) / 1000 === last && p.cpuPercent !== null)) {
        return history;
      }
      if (Date.now() > deadline) {
        throw new Error(`the reports are not in the history: ${JSON.stringify(history)}`);
      }
      await new Promise((done) => setTimeout(done, 500));
    }
  }

  /**
   * The share of a chart's canvas columns and rows where a stroke of the CSS colour `color` was
   * drawn (a canvas has no DOM to ask): a line across the hour covers most columns, and a line
   * flattened at 0 only a row or two.
   */
  function strokeExtent(
    figure: Locator,
    color: string,
  ): Promise<{ columns: number; rows: number }> {
    return figure.locator('canvas').evaluate((canvas: HTMLCanvasElement, css: string) => {
      const probe = document.createElement('span');
      probe.style.color = css;
      canvas.parentElement!.append(probe);
      const [r, g, b] = (getComputedStyle(probe).color.match(/[\d.]+/g) ?? []).map(Number);
      probe.remove();
      const { width, height } = canvas;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
      const columns = new Set<number>();
      const rows = new Set<number>();
      for (let i = 0; i < pixels.length; i += 4) {
        const near =
          Math.abs(pixels[i] - r) + Math.abs(pixels[i + 1] - g) + Math.abs(pixels[i + 2] - b) < 48;
        if (near && pixels[i + 3] > 96) {
          columns.add((i / 4) % width);
          rows.add(Math.floor(i / 4 / width));
        }
      }
      return { columns: columns.size / width, rows: rows.size / height };
    }, color);
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
    reports = shopReports(Date.now() - 1000);
    for (const report of reports) {
      await postAgentReport(api.baseUrl, report);
    }

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
    expect(await seriousViolations(page)).toEqual([]);
    await useTheme(page, 'dark');
    await chart(detail, 'CPU').locator('canvas').waitFor();
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

  it("keeps an agent's hour of reports: each minute's CPU and the rates of its counters", async () => {
    const history = await reported();
    expect(history.step).toBe(15);
    const byStep = new Map(reports.map((r, i) => [stepOf(r.reportedAt, history.step), i]));
    const cpu = history.points.filter((p) => p.cpuPercent !== null);
    expect(cpu.length).toBeGreaterThanOrEqual(50);
    for (const p of cpu) {
      const i = byStep.get(Date.parse(p.t) / 1000)!;
      expect(p.cpuPercent).toBeCloseTo(workload(i).cpuPercent, 3);
      expect(p.memUsage).toBe(workload(i).memUsage);
      expect(p.memLimit).toBe(HOST_RAM);
      // The first report has no earlier one to take a rate from.
      expect(p.netRxBytesPerSec).toBe(i === 0 ? null : workload(i).rxPerSec);
      expect(p.blockWriteBytesPerSec).toBe(i === 0 ? null : workload(i).writePerSec);
    }
  });

  it('draws the hour as lines, memory scaled to the usage and the far limit in the legend', async () => {
    await reported();
    await useTheme(page, 'light');
    await page.goto(`${api.baseUrl}/containers?host=agent/${AGENT_ID}`);
    await page.getByLabel('Filter containers').fill(SFX);
    await page.getByRole('button', { name: `Open ${SHOP} on ${EDGE}`, exact: true }).click();
    const detail = page.getByRole('tabpanel', { name: `${SHOP} on ${EDGE}`, exact: true });
    await detail.getByRole('tab', { name: 'Stats' }).click();
    await detail.getByText(/Snapshot taken/).waitFor();
    for (const caption of ['CPU', 'Memory', 'Network', 'Block I/O']) {
      await chart(detail, caption).locator('canvas').waitFor();
    }

    // The legend and the figure's label read the last report.
    const last = workload(REPORTS - 1);
    const cpuText = `${last.cpuPercent.toFixed(1)} %`;
    const usedText = `${(last.memUsage / MIB).toFixed(1)} MiB`;
    const cpu = chart(detail, 'CPU');
    await cpu.locator('.u-legend').filter({ hasText: cpuText }).waitFor();
    expect(await cpu.getByRole('figure').getAttribute('aria-label')).toBe(
      `CPU chart, latest: CPU ${cpuText}`,
    );
    const memory = chart(detail, 'Memory');
    expect(await memory.getByRole('figure').getAttribute('aria-label')).toBe(
      `Memory chart, latest: Used ${usedText}, Limit 16.0 GiB`,
    );
    expect(await memory.locator('.u-legend').innerText()).toMatch(/Limit:?\s*16\.0 GiB/);

    // A line across the hour, not a dot per report; the usage fills the memory chart's height,
    // and the limit (the host's RAM, 50× the usage) is not drawn.
    const cpuLine = await strokeExtent(cpu, 'var(--chart-1)');
    expect(cpuLine.columns).toBeGreaterThan(0.6);
    const used = await strokeExtent(memory, 'var(--chart-1)');
    expect(used.columns).toBeGreaterThan(0.6);
    expect(used.rows).toBeGreaterThan(0.25);
    expect((await strokeExtent(memory, 'var(--chart-limit)')).columns).toBe(0);
    const received = await strokeExtent(chart(detail, 'Network'), 'var(--chart-1)');
    expect(received.columns).toBeGreaterThan(0.6);

    // Tall enough for the snapshot and the four charts under it.
    await page.setViewportSize({ width: 1440, height: 1240 });
    await screenshot(page, 'metrics-light');
    expect(await seriousViolations(page)).toEqual([]);
    await useTheme(page, 'dark');
    await chart(detail, 'CPU').locator('canvas').waitFor();
    await cpu.locator('.u-legend').filter({ hasText: cpuText }).waitFor();
    await screenshot(page, 'metrics-dark');
    expect(await seriousViolations(page)).toEqual([]);
    await useTheme(page, 'light');
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  it('ran without console errors (no CSP violations, no failed scripts)', () => {
    expect(pageErrors).toEqual([]);
  });
});
