/// <reference lib="dom" />
/**
 * Per-host agent tokens and API keys in headless Chromium against the real API: an admin adds an
 * agent host, sees its token once in the install command, the real agent script reports with it,
 * a rotation keeps the old token for the overlap, a revoke makes the API refuse both at once;
 * then an API key is created (shown once), used, and revoked from the API keys page.
 *
 * The tests run in order and share the host and tokens they create; each loads its page afresh.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import type { ApiProcess } from '../support/api-process';
import { collectPageErrors, launchChromium } from '../support/browser';
import {
  ADMIN,
  MEMBER,
  Api,
  openDialog as openDialogOf,
  runAgentWithToken,
  screenshot,
  seriousViolations,
  signIn,
  snackBar,
  snackBarsGone,
  startConsoleApi,
  useTheme,
} from './console-support';

jest.setTimeout(120_000);

const HOST_ID = `enrolled-${process.pid}`;
const KEY_NAME = 'grafana dashboard';

describe('console: agent tokens and API keys', () => {
  let api: ApiProcess;
  let admin: Api;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  /** The tokens the dialogs showed, kept by the test only (the page must forget them). */
  let firstToken = '';
  let rotatedToken = '';

  const dialog = () => page.getByRole('dialog');
  const openDialog = (trigger: Locator) => openDialogOf(page, trigger);
  const hostRow = () =>
    page
      .getByRole('table', { name: 'Agent hosts' })
      .getByRole('row', { name: new RegExp(`^${HOST_ID}\\s`) });

  async function openAgentsTab(): Promise<void> {
    await page.goto(`${api.baseUrl}/hosts`);
    await page.getByRole('tab', { name: 'Agents', exact: true }).click();
    await page.getByRole('tab', { name: 'Agents', exact: true, selected: true }).waitFor();
  }

  /** Waits until the locator's element shows this text (Playwright re-reads it until then). */
  async function shows(locator: Locator, text: string | RegExp): Promise<void> {
    await locator.filter({ hasText: text }).waitFor();
  }

  /** What an agent report with this token gets: the guard answers before the body is read. */
  async function reportStatus(token: string): Promise<number> {
    return (await new Api(api.baseUrl, token).send('POST', '/api/agents/docker/report', {})).status;
  }

  /** The secret of a dialog's copy block, as the user would select it. */
  async function shownSecret(label: string): Promise<string> {
    return (await dialog().getByLabel(label, { exact: true }).innerText()).trim();
  }

  /** Neither the visible text nor the DOM (attributes, hidden nodes) holds the secret. */
  async function expectGoneFromPage(secret: string): Promise<void> {
    expect(await page.locator('body').innerText()).not.toContain(secret);
    expect(await page.content()).not.toContain(secret);
  }

  beforeAll(async () => {
    api = await startConsoleApi();
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
  });

  it('adds an agent host and shows its token once, in the install command', async () => {
    await openAgentsTab();
    await openDialog(page.getByRole('button', { name: 'Add agent host' }));
    await dialog().getByLabel('Host ID', { exact: true }).fill(HOST_ID);
    await dialog().getByLabel('Name (optional)', { exact: true }).fill('e2e host');
    await dialog().getByLabel('Allowed networks (optional)', { exact: true }).fill('127.0.0.0/8');
    await dialog().getByRole('button', { name: 'Issue token' }).click();
    await dialog()
      .getByRole('heading', { name: `Install the agent on ${HOST_ID}` })
      .waitFor();

    firstToken = await shownSecret('Agent token');
    expect(firstToken).toMatch(/^archnest_agent_[A-Za-z0-9_-]{43}$/);
    const command = await shownSecret('Install command');
    expect(command).toBe(
      `printf '%s\\n' '${firstToken}' | ` +
        `sudo bash install.sh --url ${api.baseUrl} --host-id ${HOST_ID} --token-file -`,
    );
    expect(await dialog().getByRole('alert').innerText()).toContain(
      'Copy the token now: it will not be shown again.',
    );
    expect(await dialog().innerText()).toContain('from 127.0.0.0/8, with no expiry');
    await dialog().getByRole('button', { name: 'Copy install command' }).click();
    await snackBar(page, 'Install command copied');
    await screenshot(page, 'agent-token-light');
    expect(await seriousViolations(page)).toEqual([]);

    // Only "Done" closes it: Escape does not lose the token by accident.
    await page.keyboard.press('Escape');
    expect(await dialog().count()).toBe(1);
    await dialog().getByRole('button', { name: 'Done, I copied it' }).click();
    await dialog().waitFor({ state: 'detached' });

    const row = hostRow();
    await shows(row, 'No report yet');
    expect(await row.innerText()).toMatch(/Active\s+archnest_agent_\w{4}…/);
    expect(await row.innerText()).toContain('Never');
    await expectGoneFromPage(firstToken);
    // The list holds only the hint: the token is nowhere but in the dialog that showed it.
    expect(JSON.stringify(await admin.ok('GET', '/api/agents/tokens'))).not.toContain(firstToken);
  });

  it('lists the last use after the real agent reports with that token', async () => {
    await runAgentWithToken(api.baseUrl, HOST_ID, firstToken);
    await openAgentsTab();
    const row = hostRow();
    await shows(row, 'Reporting');
    await shows(row, /(just now|\d+ s ago) from 127\.0\.0\.1/);
    expect(await row.innerText()).toContain('From 127.0.0.0/8');
  });

  it('rotates the token after confirmation: new one shown once, old one kept for the overlap', async () => {
    await openAgentsTab();
    await useTheme(page, 'dark');
    await openDialog(page.getByRole('button', { name: `Rotate token of ${HOST_ID}` }));
    await dialog()
      .getByRole('heading', { name: `Rotate the token of ${HOST_ID}?` })
      .waitFor();
    await dialog().getByRole('button', { name: 'Rotate' }).click();
    await dialog()
      .getByRole('heading', { name: `New token for ${HOST_ID}` })
      .waitFor();
    rotatedToken = await shownSecret('Agent token');
    expect(rotatedToken).toMatch(/^archnest_agent_/);
    expect(rotatedToken).not.toBe(firstToken);
    expect(await shownSecret('Install command')).toContain(`'${rotatedToken}'`);
    expect(await dialog().innerText()).toMatch(/previous token keeps working until \d/);
    await snackBarsGone(page);
    await screenshot(page, 'agent-token-rotated-dark');
    expect(await seriousViolations(page)).toEqual([]);
    await dialog().getByRole('button', { name: 'Done, I copied it' }).click();
    await dialog().waitFor({ state: 'detached' });
    await expectGoneFromPage(rotatedToken);
    await shows(hostRow(), /Previous archnest_agent_\w{4}… works until/);
    expect(await seriousViolations(page)).toEqual([]);
    await useTheme(page, 'light');

    // Both work during the overlap: the running agent is not cut off before it is updated.
    await runAgentWithToken(api.baseUrl, HOST_ID, rotatedToken);
    await runAgentWithToken(api.baseUrl, HOST_ID, firstToken);
  });

  it('revokes after confirmation: the API refuses the host tokens at once', async () => {
    await openAgentsTab();
    await openDialog(page.getByRole('button', { name: `Revoke token of ${HOST_ID}` }));
    expect(await dialog().innerText()).toContain('its 2 tokens stop working at once');
    await dialog().getByRole('button', { name: 'Revoke' }).click();
    await snackBar(page, `Token of ${HOST_ID} revoked`);
    await shows(hostRow(), 'No token of its own');
    await screenshot(page, 'agent-tokens-light');
    expect(await seriousViolations(page)).toEqual([]);

    expect(await reportStatus(rotatedToken)).toBe(401);
    expect(await reportStatus(firstToken)).toBe(401);
    expect(await admin.ok('GET', '/api/agents/tokens')).toEqual([]);

    // The host can be enrolled again from its row, its id filled in.
    await openDialog(page.getByRole('button', { name: `Issue token for ${HOST_ID}` }));
    expect(await dialog().getByLabel('Host ID', { exact: true }).inputValue()).toBe(HOST_ID);
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await dialog().waitFor({ state: 'detached' });
  });

  it('creates an API key from the user menu, shows it once, and it works', async () => {
    await page.goto(`${api.baseUrl}/containers`);
    await page.getByRole('button', { name: 'Account menu' }).click();
    await page.getByRole('menuitem', { name: 'API keys' }).click();
    await page.waitForURL('**/api-keys');
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    await page.getByText('No API keys yet').waitFor();

    await openDialog(page.getByRole('button', { name: 'Create API key' }));
    await dialog().getByLabel('Name', { exact: true }).fill(KEY_NAME);
    await dialog()
      .getByRole('checkbox', { name: /^Read-only/ })
      .check();
    await dialog().getByRole('button', { name: 'Create key' }).click();
    await dialog()
      .getByRole('heading', { name: `API key ${KEY_NAME}` })
      .waitFor();
    const key = await shownSecret('API key');
    expect(key).toMatch(/^archnest_key_[A-Za-z0-9_-]{43}$/);
    expect(await shownSecret('Example request')).toBe(
      `curl -H 'Authorization: Bearer ${key}' ${api.baseUrl}/api/containers/hosts`,
    );
    expect(await dialog().getByRole('alert').innerText()).toContain(
      'Copy the key now: it will not be shown again.',
    );
    await screenshot(page, 'api-key-light');
    expect(await seriousViolations(page)).toEqual([]);
    await dialog().getByRole('button', { name: 'Done, I copied it' }).click();
    await dialog().waitFor({ state: 'detached' });
    await snackBar(page, `API key ${KEY_NAME} created`);
    await expectGoneFromPage(key);

    const row = page.getByRole('table', { name: 'API keys' }).getByRole('row', { name: /grafana/ });
    await shows(row, 'Read-only');
    expect(await row.innerText()).toContain('admin');

    // The integrator's side: reads work with the key, writes do not (read-only).
    const integrator = new Api(api.baseUrl, key);
    expect((await integrator.send('GET', '/api/containers/hosts')).status).toBe(200);
    expect((await integrator.send('POST', '/api/auth/api-keys', { name: 'x' })).status).toBe(403);
    await page.reload();
    await shows(row, /(just now|\d+ s ago)\s*from 127\.0\.0\.1/);
  });

  it("shows an admin every user's keys with the owner, and revokes one after confirmation", async () => {
    const member = await Api.signIn(api.baseUrl, MEMBER);
    const { key } = await member.ok<{ key: string }>('POST', '/api/auth/api-keys', {
      name: 'mia script',
    });
    await page.goto(`${api.baseUrl}/api-keys`);
    const table = page.getByRole('table', { name: 'API keys' });
    const miaRow = table.getByRole('row', { name: /mia script/ });
    await shows(miaRow, 'mia');
    await useTheme(page, 'dark');
    await screenshot(page, 'api-keys-dark');
    expect(await seriousViolations(page)).toEqual([]);
    await useTheme(page, 'light');

    await openDialog(page.getByRole('button', { name: "Revoke mia's key mia script" }));
    await dialog().getByRole('heading', { name: "Revoke mia's key mia script?" }).waitFor();
    await dialog().getByRole('button', { name: 'Revoke' }).click();
    await snackBar(page, 'API key mia script revoked');
    await miaRow.waitFor({ state: 'detached' });
    expect((await new Api(api.baseUrl, key).send('GET', '/api/containers/hosts')).status).toBe(401);

    // The admin's own key goes the same way.
    await openDialog(page.getByRole('button', { name: `Revoke ${KEY_NAME}` }));
    await dialog().getByRole('button', { name: 'Revoke' }).click();
    await snackBar(page, `API key ${KEY_NAME} revoked`);
    await page.getByText('No API keys yet').waitFor();
    expect(await admin.ok('GET', '/api/auth/api-keys')).toEqual([]);
  });

  it('ran without console errors (no CSP violations, no failed scripts)', () => {
    expect(pageErrors).toEqual([]);
  });
});
