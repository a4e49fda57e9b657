/// <reference lib="dom" />
/**
 * The Hosts page in headless Chromium against the real API: a Docker API host on the private
 * dockerd's socket, two SSH targets on the loopback sshd servers (one behind the other as a jump
 * host, keys scanned and accepted in the UI), and an agent host from a real agent run.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { loadInfra } from '../harness/infra';
import type { ApiProcess } from '../support/api-process';
import { collectPageErrors, launchChromium } from '../support/browser';
import { SshdLog } from '../support/docker-ssh';
import { unixUrl } from '../support/docker-tcp';
import {
  ADMIN,
  Api,
  runAgent,
  screenshot,
  seriousViolations,
  snackBar,
  signIn,
  startConsoleApi,
  useTheme,
} from './console-support';

jest.setTimeout(120_000);

const { ssh, docker } = loadInfra();
const AGENT_ID = `edge-${process.pid}`;

describe('console: hosts administration', () => {
  let api: ApiProcess;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];

  const dialog = () => page.getByRole('dialog');
  const hostTable = (name: string) => page.getByRole('table', { name });

  /** Loads the Hosts page on a source's tab, whatever state an earlier test left behind. */
  async function openHostsPage(source: string): Promise<void> {
    await page.goto(`${api.baseUrl}/hosts`);
    await showSource(source);
  }

  async function showSource(label: string): Promise<void> {
    await page.getByRole('tab', { name: label, exact: true }).click();
  }

  async function fill(scope: Locator, label: string, value: string): Promise<void> {
    await scope.getByLabel(label, { exact: true }).fill(value);
  }

  /** Adds an SSH target through the dialog and pins its key after checking the fingerprint. */
  async function addTarget(name: string, server: 'jump' | 'target', via?: string): Promise<void> {
    await page.getByRole('button', { name: 'Add SSH target' }).click();
    const form = dialog();
    await fill(form, 'Name', name);
    await fill(form, 'Host', ssh[server].host);
    await fill(form, 'Port', String(ssh[server].port));
    await fill(form, 'Username', ssh.user);
    await fill(form, 'Private key', readFileSync(ssh.clientKey, 'utf8'));
    if (via) {
      await form.getByRole('combobox', { name: 'Connect through' }).click();
      await page.getByRole('option', { name: new RegExp(`^${via} `) }).click();
    }
    await fill(form, 'Docker host on the target', docker.dockerHost);
    await form.getByRole('button', { name: 'Add target' }).click();
    await snackBar(page, `${name} added: scan and accept its host key next`);
    const row = hostTable('SSH targets').getByRole('row').filter({ hasText: name });
    expect(await row.innerText()).toContain('Not pinned');

    await page.getByRole('button', { name: `Scan key of ${name}` }).click();
    const keyDialog = dialog();
    await keyDialog.getByText(ssh[server].fingerprint).waitFor();
    expect(await keyDialog.innerText()).toContain('ssh_host_ed25519_key.pub');
    if (server === 'target') {
      await screenshot(page, 'host-key-light');
      expect(await seriousViolations(page)).toEqual([]);
    }
    await keyDialog.getByRole('button', { name: 'Accept and pin this key' }).click();
    await snackBar(page, `Host key of ${name} pinned`);
    await row.getByText(ssh[server].fingerprint).waitFor();
  }

  beforeAll(async () => {
    api = await startConsoleApi();
    await runAgent(api.baseUrl, AGENT_ID);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    pageErrors = collectPageErrors(page);
    await signIn(page, api.baseUrl, ADMIN);
    await useTheme(page, 'light');
  });

  afterEach(async () => {
    // A failed step must not leave a dialog over the page for the next test.
    while (await dialog().count()) {
      await page.keyboard.press('Escape');
      await page.waitForTimeout(200);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });

  it('adds a Docker API host, verified on save, and tests it', async () => {
    await openHostsPage('Docker API');
    await page.getByText('No Docker hosts yet').waitFor();
    await page.getByRole('button', { name: 'Add Docker host' }).click();
    await fill(dialog(), 'Name', 'lab-engine');
    await fill(dialog(), 'Engine URL', unixUrl());
    await dialog().getByRole('button', { name: 'Add host' }).click();
    await snackBar(page, 'lab-engine added');
    const row = hostTable('Docker hosts').getByRole('row').filter({ hasText: 'lab-engine' });
    expect(await row.innerText()).toContain(unixUrl());

    await page.getByRole('button', { name: 'Test lab-engine' }).click();
    expect(await snackBar(page, /answered in/)).toMatch(
      /lab-engine: Docker [\w.+-]+ \(API [\d.]+, linux\//,
    );
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('refuses a wrong engine URL with the server message and keeps the dialog open', async () => {
    await openHostsPage('Docker API');
    await page.getByRole('button', { name: 'Add Docker host' }).click();
    await fill(dialog(), 'Name', 'nowhere');
    await fill(dialog(), 'Engine URL', 'unix:///nonexistent/docker.sock');
    const refused = page.waitForResponse(
      (r) => r.request().method() === 'POST' && r.url().includes('/api/docker/hosts'),
    );
    await dialog().getByRole('button', { name: 'Add host' }).click();
    expect((await refused).status()).toBe(502);
    const alert = dialog().getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('no socket at that path');
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await dialog().waitFor({ state: 'detached' });
  });

  it('adds a jump host and a target behind it, pinning both keys in the UI, and tests the chain', async () => {
    await openHostsPage('SSH');
    await addTarget('lab-jump', 'jump');
    await addTarget('lab-ssh', 'target', 'lab-jump');
    const row = hostTable('SSH targets').getByRole('row').filter({ hasText: 'lab-ssh' });
    expect(await row.innerText()).toContain('lab-jump');

    const jumpLog = new SshdLog('jump');
    await page.getByRole('button', { name: 'Test lab-ssh' }).click();
    expect(await snackBar(page, /answered in/)).toMatch(
      /lab-ssh: Docker [\w.+-]+ via lab-jump → lab-ssh/,
    );
    expect(jumpLog.count(/server_request_direct_tcpip/)).toBeGreaterThan(0);
    await screenshot(page, 'hosts-light');
    expect(await seriousViolations(page)).toEqual([]);
    await useTheme(page, 'dark');
    await screenshot(page, 'hosts-dark');
    expect(await seriousViolations(page)).toEqual([]);
    await useTheme(page, 'light');
  });

  it('lists the agent host with its last report and copies an install snippet', async () => {
    await openHostsPage('Agents');
    const row = hostTable('Agent hosts').getByRole('row').filter({ hasText: AGENT_ID });
    expect(await row.innerText()).toMatch(/Reporting[\s\S]*(just now|\d+ s ago)/);
    await page.getByLabel('Host ID').fill('proxmox-vm-9');
    const snippet = page.getByLabel('Install steps');
    expect(await snippet.innerText()).toContain('ARCHNEST_HOST_ID=proxmox-vm-9');
    expect(await snippet.innerText()).toContain(`ARCHNEST_URL=${api.baseUrl}`);
    await page.getByRole('button', { name: 'Copy' }).click();
    await snackBar(page, 'Install steps copied');
    await screenshot(page, 'agents-light');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('shows every new host in the containers host selector', async () => {
    await page.goto(`${api.baseUrl}/containers`);
    await page.getByRole('combobox', { name: 'Host' }).click();
    for (const [group, name] of [
      ['Docker API', 'lab-engine'],
      ['Docker over SSH', 'lab-ssh'],
      ['Docker over SSH', 'lab-jump'],
    ]) {
      await page
        .getByRole('group', { name: group })
        .getByRole('option', { name: new RegExp(name) })
        .waitFor();
    }
    await page.getByRole('group', { name: 'Agent' }).getByRole('option').first().waitFor();
    await page.keyboard.press('Escape');
  });

  it('removes a Docker host after confirmation', async () => {
    await openHostsPage('Docker API');
    await page.getByRole('button', { name: 'Remove lab-engine' }).click();
    await dialog().getByRole('button', { name: 'Remove' }).click();
    await snackBar(page, 'lab-engine removed');
    await page.getByText('No Docker hosts yet').waitFor();
    const admin = await Api.signIn(api.baseUrl, ADMIN);
    expect(await admin.ok<unknown[]>('GET', '/api/docker/hosts')).toEqual([]);
  });

  it('ran without console errors (no CSP violations, no failed scripts)', () => {
    const unexpected = pageErrors.filter((e) => !/status of (40[13]|502|504)/.test(e));
    expect(unexpected).toEqual([]);
  });
});
