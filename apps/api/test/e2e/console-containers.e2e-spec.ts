/// <reference lib="dom" />
/**
 * The containers console in headless Chromium against the real API with all three real sources
 * on the private dockerd: a Docker API host (its unix socket), an SSH target (the loopback sshd
 * running the docker CLI) and the agent (the real script, one run).
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { runDocker } from '../harness/docker-engine';
import { freePort } from '../harness/proc';
import type { ApiProcess } from '../support/api-process';
import { collectPageErrors, launchChromium } from '../support/browser';
import { targetBody } from '../support/docker-ssh';
import { engineState, removeContainers, runContainer, unixUrl } from '../support/docker-tcp';
import {
  ADMIN,
  Api,
  MEMBER,
  runAgent,
  screenshot,
  seriousViolations,
  snackBar,
  snackBarsGone,
  signIn,
  signOut,
  startConsoleApi,
  useTheme,
} from './console-support';

jest.setTimeout(120_000);

const SFX = `e2e${process.pid}`;
const WEB = `web-${SFX}`;
const LOGGER = `logger-${SFX}`;
const JOB = `job-${SFX}`;
const SECRET = 'Never-Show-This-Pa55word';
const TCP = 'lab-engine';
const SSH = 'lab-ssh';
const AGENT_ID = `lab-agent-${SFX}`;

describe('console: containers of every source', () => {
  let api: ApiProcess;
  let admin: Api;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let agentName: string;
  let tcpId: string;
  let sshId: string;

  const table = () => page.getByRole('table', { name: 'Containers' });
  /** A name button of the table; page-rooted so it also works inside `filter({ has })`. */
  const nameButton = (name: string, host: string) =>
    page.getByRole('button', { name: `Open ${name} on ${host}`, exact: true });
  const openButton = (name: string, host: string) => table().locator(nameButton(name, host));
  const rowOf = (name: string, host: string) =>
    table()
      .getByRole('row')
      .filter({ has: nameButton(name, host) });
  const detailTabs = () => page.locator('.page-tabs > .mat-mdc-tab-header [role="tab"]');
  const panel = (name: string, host: string): Locator =>
    page.getByRole('tabpanel', { name: `${name} on ${host}`, exact: true });

  async function showList(): Promise<void> {
    await page.getByRole('tab', { name: 'Containers', exact: true }).click();
  }

  async function openDetail(name: string, host: string): Promise<Locator> {
    await showList();
    await openButton(name, host).click();
    const detail = panel(name, host);
    await detail.getByRole('tab', { name: 'Overview' }).waitFor();
    return detail;
  }

  /** Closes a detail tab and waits until its panel has gone (the tab list updates after the click). */
  async function closeDetail(detail: Locator): Promise<void> {
    await detail.getByRole('button', { name: 'Close tab' }).click();
    await detail.waitFor({ state: 'detached' });
  }

  /** Waits until no stats cell shows "…" (snapshots of the rows on screen have arrived). */
  async function statsLoaded(): Promise<void> {
    await page.waitForFunction(() => !document.querySelector('table')?.textContent?.includes('…'));
  }

  async function startedAt(name: string): Promise<string> {
    return (await runDocker(['inspect', '--format', '{{.State.StartedAt}}', name])).trim();
  }

  beforeAll(async () => {
    await removeContainers([WEB, LOGGER, JOB]);
    await runContainer(
      WEB,
      [
        ...['-p', `127.0.0.1:${await freePort()}:80`],
        ...['-e', `DB_PASSWORD=${SECRET}`, '-e', 'GREETING=hello', '-l', 'com.example.team=ops'],
      ],
      ['httpd', '-f', '-p', '80'],
    );
    await runContainer(
      LOGGER,
      [],
      [
        'sh',
        '-c',
        "printf '\\033[32mready\\033[0m line-one\\n'; echo line-two-known; " +
          "printf '\\033[1;31mERROR\\033[0m boom\\n' >&2; exec sleep 3600",
      ],
    );
    await runContainer(JOB, [], ['sh', '-c', 'exit 3']);

    api = await startConsoleApi();
    admin = await Api.signIn(api.baseUrl, ADMIN);
    await admin.ok('POST', '/api/users', { ...MEMBER, role: 'member' });
    tcpId = (
      await admin.ok<{ id: string }>('POST', '/api/docker/hosts', { name: TCP, url: unixUrl() })
    ).id;
    sshId = (await admin.ok<{ id: string }>('POST', '/api/docker-ssh/targets', targetBody(SSH))).id;
    const scan = await admin.ok<{ fingerprint: string }>(
      'POST',
      `/api/docker-ssh/targets/${sshId}/host-key/scan`,
    );
    await admin.ok('POST', `/api/docker-ssh/targets/${sshId}/host-key/accept`, scan);
    await runAgent(api.baseUrl, AGENT_ID);
    const agents = await admin.ok<{ hostId: string; hostname: string }[]>(
      'GET',
      '/api/agents/docker/hosts',
    );
    agentName = agents.find((a) => a.hostId === AGENT_ID)!.hostname;

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    pageErrors = collectPageErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await removeContainers([WEB, LOGGER, JOB]);
  });

  it('signs in and offers the hosts of all three sources, grouped by source', async () => {
    await signIn(page, api.baseUrl, ADMIN);
    await useTheme(page, 'light');
    await page.getByRole('combobox', { name: 'Host' }).click();
    for (const [group, host] of [
      ['Docker API', TCP],
      ['Docker over SSH', SSH],
      ['Agent', agentName],
    ] as const) {
      await page
        .getByRole('group', { name: group })
        .getByRole('option', { name: new RegExp(host) })
        .waitFor();
    }
    const agentOption = page.getByRole('group', { name: 'Agent' }).getByRole('option');
    expect(await agentOption.first().innerText()).toMatch(/Online · \d+ containers? · last report/);
    await page.keyboard.press('Escape');
  });

  it('lists the containers of every source under "All hosts"; agent rows are read-only', async () => {
    await page.getByLabel('Filter containers').fill(SFX);
    for (const host of [TCP, SSH, agentName]) {
      await openButton(WEB, host).waitFor();
      await openButton(JOB, host).waitFor();
    }
    const agentRow = rowOf(WEB, agentName);
    expect(await agentRow.innerText()).toContain('Read-only');
    const tcpRow = rowOf(WEB, TCP);
    expect(await tcpRow.getByRole('button', { name: `Actions for ${WEB}` }).count()).toBe(1);
    await statsLoaded();
    await screenshot(page, 'containers-light');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('opens a detail tab, focuses it when opened again, shows env masked, and closes it', async () => {
    const detail = await openDetail(WEB, TCP);
    expect(await detailTabs().count()).toBe(2);
    await showList();
    await openButton(WEB, TCP).click();
    expect(await detailTabs().count()).toBe(2);
    expect(
      await page.getByRole('tab', { name: `${WEB} on ${TCP}` }).getAttribute('aria-selected'),
    ).toBe('true');

    await detail.getByRole('tab', { name: 'Env & labels' }).click();
    const env = detail.getByRole('table', { name: 'Environment' });
    const secretRow = env.getByRole('row').filter({ hasText: 'DB_PASSWORD' });
    expect(await secretRow.innerText()).toMatch(/DB_PASSWORD\s+\*{8}/);
    expect(await env.getByRole('row').filter({ hasText: 'GREETING' }).innerText()).toContain(
      'hello',
    );
    expect(await page.content()).not.toContain(SECRET);
    expect(await seriousViolations(page)).toEqual([]);

    await closeDetail(detail);
    expect(await detailTabs().count()).toBe(1);
    expect(
      await page
        .getByRole('tab', { name: 'Containers', exact: true })
        .getAttribute('aria-selected'),
    ).toBe('true');
  });

  it('shows the known log lines of a container over SSH, with their colours', async () => {
    const detail = await openDetail(LOGGER, SSH);
    await detail.getByRole('tab', { name: 'Logs' }).click();
    const log = detail.getByRole('log', { name: `Logs of ${LOGGER}` });
    await log.getByText('line-two-known').waitFor();
    expect(await log.locator('.ansi-fg-2').first().innerText()).toBe('ready');
    expect(await log.locator('.ansi-fg-1.ansi-bold').first().innerText()).toBe('ERROR');
    expect(await log.locator('[data-stream="stderr"]').innerText()).toContain('boom');
    expect(await log.innerText()).not.toContain('\u001b');
    await screenshot(page, 'logs-light');
    expect(await seriousViolations(page)).toEqual([]);
    await useTheme(page, 'dark');
    await screenshot(page, 'logs-dark');
    expect(await seriousViolations(page)).toEqual([]);
    await useTheme(page, 'light');
    await closeDetail(detail);
  });

  it('stops, starts and restarts a container over SSH and shows each new state', async () => {
    const detail = await openDetail(WEB, SSH);
    const actions = detail.getByRole('group', { name: `Actions for ${WEB}` });
    const chip = detail.locator('app-state-chip');

    await actions.getByRole('button', { name: 'Stop', exact: true }).click();
    const confirm = page.getByRole('dialog');
    expect(await confirm.innerText()).toContain(`Stop ${WEB}?`);
    await confirm.getByRole('button', { name: 'Stop' }).click();
    await snackBar(page, `${WEB} stopped`);
    await chip.filter({ hasText: 'Exited' }).waitFor();
    expect(await engineState(WEB)).toBe('exited');

    await actions.getByRole('button', { name: 'Start', exact: true }).click();
    await snackBar(page, `${WEB} started`);
    await chip.filter({ hasText: 'Running' }).waitFor();
    expect(await engineState(WEB)).toBe('running');

    const before = await startedAt(WEB);
    await actions.getByRole('button', { name: 'Restart', exact: true }).click();
    await snackBar(page, `${WEB} restarted`);
    expect(await startedAt(WEB)).not.toBe(before);
    await chip.filter({ hasText: 'Running' }).waitFor();
    const audit = await admin.ok<{ items: { action: string; result: string }[] }>(
      'GET',
      '/api/audit',
    );
    expect(audit.items.map((e) => `${e.action} ${e.result}`)).toEqual(
      expect.arrayContaining([
        'docker-ssh.container.stop success',
        'docker-ssh.container.start success',
        'docker-ssh.container.restart success',
      ]),
    );
    await closeDetail(detail);
    await snackBarsGone(page);
  });

  it.each([
    ['Docker API', TCP],
    ['SSH', SSH],
  ])('runs a shell over %s and shows the command output', async (_source, host) => {
    const detail = await openDetail(WEB, host);
    await detail.getByRole('tab', { name: 'Terminal' }).click();
    await detail.getByRole('button', { name: 'Open shell' }).click();
    await detail.getByText(/Connected: \w+ in/).waitFor();
    await page.keyboard.type('echo hello-$((6*7))');
    await page.keyboard.press('Enter');
    await detail.locator('.xterm-rows', { hasText: 'hello-42' }).waitFor();
    if (host === TCP) {
      await screenshot(page, 'terminal-light');
    }
    await detail.getByRole('button', { name: 'Disconnect' }).click();
    await detail.getByText('Session ended: Disconnected.').waitFor();
    await detail.getByRole('button', { name: 'Reconnect' }).waitFor();
    await closeDetail(detail);
  });

  it('takes the dark screenshots of the list and a detail', async () => {
    await useTheme(page, 'dark');
    await showList();
    await statsLoaded();
    await screenshot(page, 'containers-dark');
    expect(await seriousViolations(page)).toEqual([]);
    const detail = await openDetail(WEB, TCP);
    await screenshot(page, 'detail-dark');
    expect(await seriousViolations(page)).toEqual([]);
    await useTheme(page, 'light');
    await screenshot(page, 'detail-light');
    await closeDetail(detail);
  });

  it('shows a member no actions and no shell, and the API refuses them', async () => {
    await signOut(page);
    await signIn(page, api.baseUrl, MEMBER);
    await page.getByLabel('Filter containers').fill(SFX);
    await openButton(WEB, SSH).waitFor();
    expect(await table().getByRole('columnheader', { name: 'Actions' }).count()).toBe(0);
    expect(
      await table()
        .getByRole('button', { name: /^Actions for/ })
        .count(),
    ).toBe(0);

    const detail = await openDetail(WEB, SSH);
    expect(await detail.getByRole('group', { name: `Actions for ${WEB}` }).count()).toBe(0);
    expect(await detail.getByRole('tab', { name: 'Terminal' }).count()).toBe(0);

    const member = await Api.signIn(api.baseUrl, MEMBER);
    const base = `/api/containers/docker-ssh/${sshId}/${WEB}`;
    expect((await member.send('POST', `${base}/restart`)).status).toBe(403);
    expect((await member.send('DELETE', `${base}?force=true`)).status).toBe(403);
    expect(
      (await member.send('POST', `/api/containers/docker-tcp/${tcpId}/${WEB}/stop`)).status,
    ).toBe(403);
    const closeCode = await page.evaluate(
      ({ token, hostId, container }) =>
        new Promise<number>((done) => {
          const socket = new WebSocket(`ws://${location.host}/api/docker-ssh/exec`);
          socket.onopen = () =>
            socket.send(
              JSON.stringify({ type: 'start', token, hostId, container, cols: 80, rows: 24 }),
            );
          socket.onclose = (event) => done(event.code);
        }),
      { token: member.token, hostId: sshId, container: WEB },
    );
    expect(closeCode).toBe(4403);
    expect(await engineState(WEB)).toBe('running');
  });

  it('ran without console errors (no CSP violations, no failed scripts)', () => {
    const unexpected = pageErrors.filter((e) => !/status of 40[13]/.test(e));
    expect(unexpected).toEqual([]);
  });
});
