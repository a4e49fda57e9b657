/// <reference lib="dom" />
/**
 * The Alerts page in headless Chromium against the real API: an admin adds a webhook channel
 * pointing at a real HTTP receiver on 127.0.0.1 (signed with a secret), sends it a test and sees
 * the answer, creates a host-offline rule; an agent host that reports once and then falls silent
 * (STALE_AFTER_MS of a few seconds, an evaluation every second) fires it for real: the receiver
 * gets the signed notification, the Events tab and the navigation badge show it, and a new
 * report resolves it. A member then sees the rules and events, without write controls and
 * without the Channels tab.
 *
 * The tests run in order and share the channel, rule and events they create; each loads its
 * page afresh.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertChannel, AlertEventPage, AlertNotification } from '@archnest/contracts';
import type { Browser, Locator, Page } from 'playwright-core';
import { agentContainer, agentReport } from '../support/agent-report-fixture';
import type { ApiProcess } from '../support/api-process';
import { collectPageErrors, launchChromium } from '../support/browser';
import {
  ADMIN,
  MEMBER,
  Api,
  openDialog as openDialogOf,
  postAgentReport,
  screenshot,
  seriousViolations,
  signIn,
  signOut,
  snackBar,
  snackBarsGone,
  startConsoleApi,
  useTheme,
} from './console-support';

jest.setTimeout(120_000);

const HOST_ID = `alerting-${process.pid}`;
const HOSTNAME = 'shop-edge02';
const CHANNEL = 'e2e receiver';
const RULE = 'agents keep reporting';
const SECRET = 'e2e-webhook-signing-secret-0123456789';
/** Short enough for a silent agent to go offline during the test, long enough to act in between. */
const STALE_AFTER_MS = 6000;
const RECEIVER_ANSWER = 'received by the e2e receiver';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on 127.0.0.1 that records every request and answers 200. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(200, { 'content-type': 'text/plain' }).end(RECEIVER_ANSWER);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/hooks/archnest`, received };
}

function signature(body: string): string {
  return 'sha256=' + createHmac('sha256', SECRET).update(body).digest('hex');
}

/** Polls `find` until it returns something (the evaluator and the sender run on their own). */
async function eventually<T>(what: string, find: () => T | undefined, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) {
      return found;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((done) => setTimeout(done, 200));
  }
}

describe('console: alerts', () => {
  let api: ApiProcess;
  let admin: Api;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  const dialog = () => page.getByRole('dialog');
  const openDialog = (trigger: Locator) => openDialogOf(page, trigger);
  const channelRow = () =>
    page.getByRole('table', { name: 'Alert channels' }).getByRole('row', { name: /e2e receiver/ });
  const ruleRow = () =>
    page.getByRole('table', { name: 'Alert rules' }).getByRole('row', { name: new RegExp(RULE) });
  const eventRows = () =>
    page
      .getByRole('table', { name: 'Alert events' })
      .getByRole('row', { name: new RegExp(HOSTNAME) });

  /** Waits until the locator's element shows this text (Playwright re-reads it until then). */
  async function shows(locator: Locator, text: string | RegExp): Promise<void> {
    await locator.filter({ hasText: text }).first().waitFor();
  }

  async function openTab(name: 'Rules' | 'Channels' | 'Events'): Promise<void> {
    await page.goto(`${api.baseUrl}/alerts`);
    await page.getByRole('heading', { name: 'Alerts', level: 1 }).waitFor();
    await page.getByRole('tab', { name, exact: true }).click();
    await page.getByRole('tab', { name, exact: true, selected: true }).waitFor();
  }

  /** Picks options of a mat-select in the open dialog by its label. */
  async function choose(label: string, ...options: string[]): Promise<void> {
    await dialog().getByRole('combobox', { name: label }).click();
    for (const option of options) {
      await page.getByRole('option', { name: option, exact: true }).click();
    }
    if (await page.getByRole('listbox').isVisible()) {
      await page.keyboard.press('Escape');
      await page.getByRole('listbox').waitFor({ state: 'detached' });
    }
  }

  /** The webhook notifications of the host's event (the test notification is not one). */
  function notifications(status: 'firing' | 'resolved'): Received | undefined {
    return receiver.received.find((request) => {
      try {
        const body = JSON.parse(request.body) as Partial<AlertNotification>;
        return body.hostId === HOST_ID && body.status === status;
      } catch {
        return false;
      }
    });
  }

  function report() {
    return agentReport({
      hostId: HOST_ID,
      hostname: HOSTNAME,
      containers: [agentContainer({ name: `shop-web-${process.pid}` })],
    });
  }

  beforeAll(async () => {
    receiver = await startReceiver();
    api = await startConsoleApi({
      STALE_AFTER_MS: String(STALE_AFTER_MS),
      ARCHNEST_ALERTS_INTERVAL_MS: '1000',
      ARCHNEST_ALERTS_RETRY_BASE_MS: '500',
    });
    admin = await Api.signIn(api.baseUrl, ADMIN);
    await admin.ok('POST', '/api/users', { ...MEMBER, role: 'member' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    pageErrors = collectPageErrors(page);
    await signIn(page, api.baseUrl, ADMIN);
    await useTheme(page, 'light');
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await new Promise((done) => receiver?.server.close(done));
  });

  it('adds a webhook channel with a write-only secret and shows the answer to a test', async () => {
    await openTab('Channels');
    await page.getByText('No channels yet').waitFor();
    await openDialog(page.getByRole('button', { name: 'Add channel' }));
    await dialog().getByLabel('Name', { exact: true }).fill(CHANNEL);
    await dialog().getByLabel('URL', { exact: true }).fill(receiver.url);
    await dialog().getByLabel('Signing secret (optional)', { exact: true }).fill(SECRET);
    await dialog().getByRole('button', { name: 'Add channel' }).click();
    await snackBar(page, `${CHANNEL} added`);
    await dialog().waitFor({ state: 'detached' });
    await shows(channelRow(), 'Secret set');
    expect(await channelRow().innerText()).toContain(receiver.url);
    // Write-only: neither the page nor the API's answer holds the secret.
    expect(await page.content()).not.toContain(SECRET);
    const [stored] = await admin.ok<AlertChannel[]>('GET', '/api/alerts/channels');
    expect(stored).toMatchObject({ name: CHANNEL, type: 'webhook', hasSecret: true });
    expect(JSON.stringify(stored)).not.toContain(SECRET);

    await page.getByRole('button', { name: `Send test to ${CHANNEL}` }).click();
    const result = page.getByRole('status').filter({ hasText: `Test of ${CHANNEL}` });
    await shows(result, `Test of ${CHANNEL}: delivered (status 200)`);
    expect(await result.innerText()).toContain(RECEIVER_ANSWER);
    // The receiver got it, signed over the raw bytes with the secret.
    const test = await eventually('the test notification', () => receiver.received[0]);
    expect(test.path).toBe('/hooks/archnest');
    expect(test.headers['content-type']).toMatch(/^application\/json/);
    expect(test.headers['x-archnest-signature']).toBe(signature(test.body));

    await snackBarsGone(page);
    await screenshot(page, 'alert-channels-light');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('creates a host-offline rule sent to that channel, the kind explained in the dialog', async () => {
    await openTab('Rules');
    await page.getByText('No alert rules yet').waitFor();
    await openDialog(page.getByRole('button', { name: 'Create rule' }));
    await dialog().getByLabel('Name', { exact: true }).fill(RULE);
    await choose('Kind', 'Host offline');
    await shows(dialog(), 'an agent host sent nothing for STALE_AFTER_MS');
    // host-offline takes no threshold: only how long it must hold, 0 by default.
    expect(await dialog().getByLabel('CPU %').count()).toBe(0);
    expect(await dialog().getByLabel('For (seconds)', { exact: true }).inputValue()).toBe('0');
    await choose('Source', 'Agent');
    await choose('Channels', `${CHANNEL} (webhook)`);
    await screenshot(page, 'alert-rule-light');
    expect(await seriousViolations(page)).toEqual([]);
    await dialog().getByRole('button', { name: 'Create rule' }).click();
    await snackBar(page, `${RULE} created`);
    await dialog().waitFor({ state: 'detached' });

    const row = ruleRow();
    await shows(row, 'Host offline');
    const text = await row.innerText();
    expect(text).toContain('Agent hosts');
    expect(text).toContain('at once');
    expect(text).toContain(CHANNEL);
    expect(await row.getByRole('switch', { name: `Enable ${RULE}` }).isChecked()).toBe(true);
  });

  it('fires when the agent falls silent: delivered, listed on Events, counted in the badge', async () => {
    await postAgentReport(api.baseUrl, report());
    const firing = await eventually('the firing notification', () => notifications('firing'));
    expect(firing.headers['x-archnest-signature']).toBe(signature(firing.body));
    expect(JSON.parse(firing.body)).toMatchObject({
      status: 'firing',
      kind: 'host-offline',
      rule: RULE,
      source: 'agent',
      endsAt: null,
    });

    await openTab('Events');
    const row = eventRows().first();
    await shows(row, 'Firing');
    const text = await row.innerText();
    expect(text).toContain(RULE);
    expect(text).toContain('Host offline');
    await shows(row, `${CHANNEL}: sent`);
    // The badge of the navigation counts what fires now; its text says so to a screen reader.
    await page.getByRole('link', { name: 'Alerts (1 firing)' }).waitFor();
    await screenshot(page, 'alerts-light');
    expect(await seriousViolations(page)).toEqual([]);
    await useTheme(page, 'dark');
    await screenshot(page, 'alerts-dark');
    expect(await seriousViolations(page)).toEqual([]);
    await useTheme(page, 'light');
  });

  it('resolves on the next report, and the admin disables the rule from its toggle', async () => {
    await openTab('Rules');
    const toggle = ruleRow().getByRole('switch', { name: `Enable ${RULE}` });
    await toggle.waitFor();
    await postAgentReport(api.baseUrl, report());
    await eventually('the resolved notification', () => notifications('resolved'));
    // Off before the host goes silent again, so it does not fire a second time.
    await toggle.click();
    await snackBar(page, `${RULE} disabled`);
    expect(await toggle.isChecked()).toBe(false);

    const events = await admin.ok<AlertEventPage>('GET', '/api/alerts/events?status=resolved');
    expect(events.items.map((e) => e.hostId)).toContain(HOST_ID);
    await openTab('Events');
    await page.getByRole('radio', { name: 'Resolved' }).click();
    const row = eventRows().first();
    await shows(row, 'Resolved');
    expect(await row.innerText()).toContain(`${CHANNEL} (resolved): sent`);
    await page.getByRole('radio', { name: 'Firing' }).click();
    await page.getByText('Nothing is firing.').waitFor();
    await page.reload();
    await page.getByRole('link', { name: 'Alerts', exact: true }).waitFor();
  });

  it('shows a member the rules and events, without write controls or channels', async () => {
    await signOut(page);
    await signIn(page, api.baseUrl, MEMBER);
    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await page.waitForURL('**/alerts');
    const tabs = page.getByRole('tab');
    await shows(tabs.first(), 'Rules');
    expect(await tabs.allInnerTexts()).toEqual(['Rules', 'Events']);
    const row = ruleRow();
    await shows(row, 'Host offline');
    expect(await row.innerText()).toContain('1 channel');
    expect(await page.getByRole('button', { name: 'Create rule' }).count()).toBe(0);
    expect(await page.getByRole('switch').count()).toBe(0);
    expect(await page.getByRole('button', { name: `Delete ${RULE}` }).count()).toBe(0);
    expect(await page.getByRole('button', { name: `Edit ${RULE}` }).count()).toBe(0);

    await page.getByRole('tab', { name: 'Events', exact: true }).click();
    await shows(eventRows().first(), RULE);
    await screenshot(page, 'alerts-member-light');
    expect(await seriousViolations(page)).toEqual([]);

    const member = await Api.signIn(api.baseUrl, MEMBER);
    expect((await member.send('GET', '/api/alerts/channels')).status).toBe(403);
    await signOut(page);
    await signIn(page, api.baseUrl, ADMIN);
  });

  it('deletes the rule and the channel after confirmation', async () => {
    await openTab('Rules');
    await openDialog(page.getByRole('button', { name: `Delete ${RULE}` }));
    await dialog()
      .getByRole('heading', { name: `Delete ${RULE}?` })
      .waitFor();
    await dialog().getByRole('button', { name: 'Delete' }).click();
    await snackBar(page, `${RULE} deleted`);
    await page.getByText('No alert rules yet').waitFor();

    await openTab('Channels');
    await openDialog(page.getByRole('button', { name: `Delete ${CHANNEL}` }));
    await dialog().getByRole('button', { name: 'Delete' }).click();
    await snackBar(page, `${CHANNEL} deleted`);
    await page.getByText('No channels yet').waitFor();
    expect(await admin.ok('GET', '/api/alerts/channels')).toEqual([]);
  });

  it('ran without console errors (no CSP violations, no failed scripts)', () => {
    expect(pageErrors).toEqual([]);
  });
});
