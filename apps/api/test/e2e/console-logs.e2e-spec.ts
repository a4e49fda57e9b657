/// <reference lib="dom" />
/**
 * Live logs in headless Chromium against the real API and the private dockerd, signed in as a
 * member (logs are read access): a container printing a line every 0.5 s is followed in its
 * Logs tab over the WebSocket (lines arrive while following), searched with next/previous and
 * a regex, downloaded as a .log file (Playwright's download event), and merged with a second
 * container reached over SSH (rows selected, "Merge logs", the lines of both with their
 * chips); stopping one ends its stream with a marker row.
 *
 * The tests run in order and share the page; each picks up where the previous one left off.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { runDocker } from '../harness/docker-engine';
import type { ApiProcess } from '../support/api-process';
import { collectPageErrors, launchChromium } from '../support/browser';
import { targetBody } from '../support/docker-ssh';
import { removeContainers, runContainer, unixUrl } from '../support/docker-tcp';
import {
  ADMIN,
  Api,
  MEMBER,
  screenshot,
  seriousViolations,
  signIn,
  startConsoleApi,
  useTheme,
} from './console-support';

jest.setTimeout(120_000);

const SFX = `e2e${process.pid}`;
const TICKER = `ticker-${SFX}`;
const BEACON = `beacon-${SFX}`;
const TCP = 'logs-engine';
const SSH = 'logs-ssh';

/** A line every 0.5 s on stdout, and every fifth one a warning on stderr. */
const TICK_SCRIPT =
  'i=0; while true; do i=$((i+1)); printf "\\033[32mtick-%d\\033[0m ok\\n" "$i"; ' +
  'if [ $((i % 5)) -eq 0 ]; then echo "warn-$i slow request" >&2; fi; sleep 0.5; done';
const BEACON_SCRIPT = 'i=0; while true; do i=$((i+1)); echo "beacon-$i"; sleep 0.5; done';

describe('console: live logs', () => {
  let api: ApiProcess;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  const table = () => page.getByRole('table', { name: 'Containers' });
  const panel = () => page.getByRole('tabpanel', { name: `${TICKER} on ${TCP}`, exact: true });
  const tickerLog = () => panel().getByRole('log', { name: `Logs of ${TICKER}` });
  const mergedLog = () => page.getByRole('log', { name: 'Merged logs' });

  /** The highest n of `<prefix>n` on screen (the virtual scroll renders the rows in view). */
  async function highest(log: Locator, prefix: string): Promise<number> {
    const text = await log.innerText();
    const numbers = [...text.matchAll(new RegExp(`${prefix}(\\d+)`, 'g'))].map((m) => Number(m[1]));
    return numbers.length === 0 ? 0 : Math.max(...numbers);
  }

  async function waitForLine(log: Locator, prefix: string, atLeast: number): Promise<void> {
    await expectEventually(
      async () => (await highest(log, prefix)) >= atLeast,
      `${prefix}${atLeast}`,
    );
  }

  async function expectEventually(check: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!(await check())) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}`);
      }
      await page.waitForTimeout(200);
    }
  }

  async function downloadText(): Promise<{ name: string; text: string }> {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      panel().getByRole('button', { name: 'Download logs' }).click(),
    ]);
    const path = await download.path();
    return { name: download.suggestedFilename(), text: readFileSync(path, 'utf8') };
  }

  beforeAll(async () => {
    await removeContainers([TICKER, BEACON]);
    await runContainer(TICKER, [], ['sh', '-c', TICK_SCRIPT]);
    await runContainer(BEACON, [], ['sh', '-c', BEACON_SCRIPT]);

    api = await startConsoleApi();
    const admin = await Api.signIn(api.baseUrl, ADMIN);
    await admin.ok('POST', '/api/users', { ...MEMBER, role: 'member' });
    await admin.ok('POST', '/api/docker/hosts', { name: TCP, url: unixUrl() });
    const ssh = await admin.ok<{ id: string }>('POST', '/api/docker-ssh/targets', targetBody(SSH));
    const scan = await admin.ok<{ fingerprint: string }>(
      'POST',
      `/api/docker-ssh/targets/${ssh.id}/host-key/scan`,
    );
    await admin.ok('POST', `/api/docker-ssh/targets/${ssh.id}/host-key/accept`, scan);

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    pageErrors = collectPageErrors(page);
    await signIn(page, api.baseUrl, MEMBER);
    await useTheme(page, 'light');
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await removeContainers([TICKER, BEACON]);
  });

  it('follows a container live: lines arrive while following, with their colours', async () => {
    await page.getByLabel('Filter containers').fill(SFX);
    await table()
      .getByRole('button', { name: `Open ${TICKER} on ${TCP}`, exact: true })
      .click();
    await panel().getByRole('tab', { name: 'Logs' }).click();
    await panel()
      .getByText(/Following · \d+ lines/)
      .waitFor();
    await waitForLine(tickerLog(), 'tick-', 2);

    const seen = await highest(tickerLog(), 'tick-');
    // Two more lines, 0.5 s apart, without reloading anything.
    await waitForLine(tickerLog(), 'tick-', seen + 2);
    expect(await tickerLog().locator('.ansi-fg-2').first().innerText()).toMatch(/^tick-\d+$/);
    expect(await tickerLog().innerText()).not.toContain('\u001b');
    await waitForLine(tickerLog(), 'warn-', 5);
    expect(await tickerLog().locator('[data-stream="stderr"]').first().innerText()).toContain(
      'slow request',
    );
    await screenshot(page, 'logs-follow-light');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('searches with highlight and next/previous, pausing auto-scroll until "Jump to latest"', async () => {
    await waitForLine(tickerLog(), 'warn-', 10);
    await panel().getByLabel('Search logs').fill('WARN-');
    const position = panel().getByText(/^\d+ of \d+$/);
    await position.waitFor();
    const [at, total] = (await position.innerText()).split(' of ').map(Number);
    // The newest match is the current one (more may have arrived since).
    expect(total).toBeGreaterThanOrEqual(2);
    expect(at).toBeGreaterThanOrEqual(2);
    // Every match is highlighted; the current one is marked.
    const hits = tickerLog().locator('.hit');
    expect(await hits.first().innerText()).toBe('warn-');
    const current = tickerLog().locator('.line.current');
    const last = await current.innerText();
    expect(last).toMatch(/warn-\d+ slow request/);

    await panel().getByRole('button', { name: 'Previous match' }).click();
    await expectEventually(async () => (await current.innerText()) !== last, 'the previous match');
    expect(await current.innerText()).toMatch(/warn-\d+/);
    expect(await position.innerText()).toMatch(new RegExp(`^${at - 1} of `));
    await panel().getByRole('button', { name: 'Next match' }).click();
    await expectEventually(async () => (await current.innerText()) === last, 'the last match');

    // Looking at a match paused auto-scroll; lines keep coming underneath.
    const jump = panel().getByRole('button', { name: /Jump to latest/ });
    await jump.waitFor();
    await panel()
      .getByRole('button', { name: /Jump to latest \(\d+ new\)/ })
      .waitFor();
    await screenshot(page, 'logs-search-light');
    expect(await seriousViolations(page)).toEqual([]);
    await jump.click();
    await panel().getByRole('button', { name: 'Pause' }).waitFor();

    // A regex that does not compile is an error under the field, not a crash.
    await panel().getByRole('switch', { name: 'Regex' }).click();
    await panel().getByLabel('Search logs').fill('warn-(');
    await panel()
      .getByText(/Not a valid regular expression/)
      .waitFor();
    await panel().getByLabel('Search logs').fill('^warn-\\d*5 ');
    await panel()
      .getByText(/^\d+ of \d+$/)
      .waitFor();
    expect(await tickerLog().locator('.line.current').innerText()).toMatch(/warn-\d*5 slow/);
    await panel().getByRole('switch', { name: 'Regex' }).click();
    await panel().getByLabel('Search logs').fill('');
  });

  it('downloads what is loaded as a .log file, or only the filtered stream', async () => {
    const all = await downloadText();
    expect(all.name).toMatch(new RegExp(`^${TICKER}-\\d{8}-\\d{6}\\.log$`));
    const lines = all.text.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(10);
    // Plain text with the engine's timestamps, no escapes.
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z tick-1 ok$/);
    expect(all.text).toMatch(/Z warn-5 slow request\n/);
    expect(all.text).not.toContain('\u001b');

    await panel().getByRole('radio', { name: 'stderr' }).click();
    const download = panel().getByRole('button', { name: 'Download logs' });
    await download.hover();
    await page.locator('mat-tooltip-component', { hasText: 'filtered: stderr only' }).waitFor();
    const stderr = await downloadText();
    const warnings = stderr.text.trimEnd().split('\n');
    expect(warnings.every((line) => / warn-\d+ slow request$/.test(line))).toBe(true);
    await panel().getByRole('radio', { name: 'All' }).click();

    await panel().getByRole('switch', { name: 'Timestamps' }).click();
    const bare = await downloadText();
    expect(bare.text.split('\n')[0]).toBe('tick-1 ok');
    await panel().getByRole('switch', { name: 'Timestamps' }).click();
  });

  it('merges two containers on two sources: rows selected, Merge logs, both with chips', async () => {
    await page.getByRole('tab', { name: 'Containers', exact: true }).click();
    await page.getByRole('checkbox', { name: `Select ${TICKER} on ${TCP}` }).check();
    await page.getByRole('checkbox', { name: `Select ${BEACON} on ${SSH}` }).check();
    await page.getByRole('button', { name: 'Merge logs (2)' }).click();
    await page.waitForURL('**/containers/logs?c=**');
    expect(decodeURIComponent(page.url())).toContain(`/${TICKER}`);
    await page.getByRole('heading', { name: 'Merged logs', level: 1 }).waitFor();
    // In the table's order (by name), each with its host.
    await page.getByText(`${BEACON} on ${SSH}, ${TICKER} on ${TCP}`).waitFor();
    await page.getByText(/Following 2 containers · \d+ lines/).waitFor();

    const beaconSeen = await highest(mergedLog(), 'beacon-');
    await waitForLine(mergedLog(), 'beacon-', beaconSeen + 2);
    const chips = mergedLog().locator('.line .chip');
    const names = new Set(await chips.allInnerTexts());
    expect(names).toEqual(new Set([TICKER, BEACON]));
    // One colour per container.
    const colourOf = (name: string) =>
      mergedLog()
        .locator('.line .chip', { hasText: name })
        .first()
        .evaluate((chip) => getComputedStyle(chip).backgroundColor);
    expect(await colourOf(TICKER)).not.toBe(await colourOf(BEACON));
    expect(
      await mergedLog()
        .locator('.line', { has: page.locator('.chip', { hasText: BEACON }) })
        .first()
        .innerText(),
    ).toMatch(/beacon-\d+/);

    await screenshot(page, 'logs-merged-light');
    expect(await seriousViolations(page)).toEqual([]);
    await useTheme(page, 'dark');
    await screenshot(page, 'logs-merged-dark');
    expect(await seriousViolations(page)).toEqual([]);
    await useTheme(page, 'light');
  });

  it('shows the end of one stream of the merge as a marker row; the other goes on', async () => {
    await runDocker(['stop', BEACON]);
    const marker = mergedLog().locator('.marker', { hasText: `${BEACON}:` });
    await marker.waitFor();
    expect(
      await page
        .getByRole('status')
        .filter({ hasText: `${BEACON}:` })
        .count(),
    ).toBe(1);
    const ticks = await highest(mergedLog(), 'tick-');
    await waitForLine(mergedLog(), 'tick-', ticks + 2);
    await page.getByText(/Following 2 containers/).waitFor();
  });

  it('ran without console errors (no CSP violations, no failed scripts)', () => {
    expect(pageErrors).toEqual([]);
  });
});
