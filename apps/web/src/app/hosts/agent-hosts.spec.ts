import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { Clipboard } from '@angular/cdk/clipboard';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSnackBarHarness } from '@angular/material/snack-bar/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import type {
  AgentHost,
  AgentTokenSummary,
  IssuedAgentToken,
  User,
  UserRole,
} from '@archnest/contracts';
import { Auth } from '../auth/auth';
import { AgentHosts } from './agent-hosts';
import { answerHostTrends, history, hostTrendUrl, point } from '../metrics/testing';

const reporting: AgentHost = {
  hostId: 'proxmox-vm-1',
  hostname: 'docker01',
  agentVersion: '1',
  reportedAt: new Date(Date.now() - 120_000).toISOString(),
  receivedAt: new Date(Date.now() - 120_000).toISOString(),
  containerCount: 4,
  stale: true,
};

function agentToken(id: string, hostId: string, fields: Partial<AgentTokenSummary> = {}) {
  return {
    id,
    hostId,
    name: null,
    hint: `archnest_agent_${id.slice(0, 4)}…`,
    state: 'active',
    createdAt: '2026-06-20T09:00:00Z',
    expiresAt: null,
    lastUsedAt: null,
    lastAddress: null,
    allowedCidrs: [],
    replacedBy: null,
    ...fields,
  } satisfies AgentTokenSummary;
}

const SECRET = 'archnest_agent_S3cr3tT0kenValue_only-once';

const admin: User = {
  id: 'u1',
  username: 'alice',
  role: 'admin',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

describe('AgentHosts', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<AgentHosts>;
  let loader: HarnessLoader;
  let documentLoader: HarnessLoader;
  let copied: string[];

  async function render(
    role: UserRole,
    hosts: AgentHost[],
    tokens: AgentTokenSummary[],
  ): Promise<void> {
    const signedIn = TestBed.inject(Auth).loadUser();
    http.expectOne('/api/auth/me').flush({ ...admin, role });
    await signedIn;
    fixture = TestBed.createComponent(AgentHosts);
    loader = TestbedHarnessEnvironment.loader(fixture);
    documentLoader = TestbedHarnessEnvironment.documentRootLoader(fixture);
    await flushList(hosts, role === 'admin' ? tokens : null);
  }

  async function flushList(hosts: AgentHost[], tokens: AgentTokenSummary[] | null): Promise<void> {
    (await vi.waitFor(() => http.expectOne('/api/agents/docker/hosts'))).flush(hosts);
    if (tokens) {
      http.expectOne({ method: 'GET', url: '/api/agents/tokens' }).flush(tokens);
    }
  }

  async function cells(): Promise<Record<string, { text: string[] }>> {
    return (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();
  }

  async function fill(dialog: MatDialogHarness, label: string, value: string): Promise<void> {
    const field = await dialog.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }));
    await (await field.getControl(MatInputHarness))!.setValue(value);
  }

  /** Clicks the button of this accessible name once it is there (rows render after a load). */
  async function clickButton(scope: HarnessLoader | MatDialogHarness, name: string): Promise<void> {
    const button = await vi.waitFor(() =>
      scope.getHarness(MatButtonHarness.with({ selector: `[aria-label="${name}"]` })),
    );
    await button.click();
  }

  async function confirm(label: string): Promise<void> {
    const question = await documentLoader.getHarness(MatDialogHarness);
    await (await question.getHarness(MatButtonHarness.with({ text: label }))).click();
  }

  beforeEach(() => {
    copied = [];
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        { provide: Clipboard, useValue: { copy: (text: string) => copied.push(text) > 0 } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    answerHostTrends(http);
    expect.soft(() => http.verify()).not.toThrow();
  });

  it('lists agent hosts with their last report and staleness', async () => {
    await render('admin', [reporting], []);
    const table = await cells();
    expect(table['hostId'].text).toEqual([expect.stringMatching(/^proxmox-vm-1\s*on docker01$/)]);
    expect(table['status'].text).toEqual([
      expect.stringMatching(/^Stale\s*Last report 2 min ago$/),
    ]);
    expect(table['containers'].text).toEqual(['4']);
  });

  it("shows each agent host's last hour in its row", async () => {
    await render('admin', [reporting], []);
    (await vi.waitFor(() => http.expectOne(hostTrendUrl('agent', 'proxmox-vm-1')))).flush(
      history([point(0, 12.5)]),
    );
    const table = await loader.getHarness(MatTableHarness);
    await vi.waitFor(async () =>
      expect((await table.getCellTextByColumnName())['trend'].text[0]).toMatch(
        /^CPU 12\.5 %\s*Mem 50\.0 MiB\s*Running 2$/,
      ),
    );
  });

  it('joins tokens to hosts: token state, last use, and hosts with a token but no report', async () => {
    const used = new Date(Date.now() - 30_000).toISOString();
    await render(
      'admin',
      [reporting, { ...reporting, hostId: 'legacy', stale: false }],
      [
        agentToken('t-new', 'proxmox-vm-1', { lastUsedAt: used, lastAddress: '10.0.0.7' }),
        agentToken('t-old', 'proxmox-vm-1', {
          createdAt: '2026-06-01T00:00:00Z',
          replacedBy: 't-new',
          expiresAt: new Date(Date.now() + 600_000).toISOString(),
        }),
        agentToken('t-wait', 'waiting-host', { allowedCidrs: ['10.20.0.0/16'] }),
        agentToken('t-exp', 'old-host', { state: 'expired', expiresAt: '2026-01-01T00:00:00Z' }),
      ],
    );
    const table = await cells();
    expect(table['hostId'].text.map((text) => text.split(/\s/)[0])).toEqual([
      'legacy',
      'old-host',
      'proxmox-vm-1',
      'waiting-host',
    ]);
    expect(table['status'].text.map((text) => text.replace(/\s*Last report.*/, ''))).toEqual([
      'Reporting',
      'No report yet',
      'Stale',
      'No report yet',
    ]);
    expect(table['token'].text[0]).toMatch(/^Shared token\s*No token of its own$/);
    expect(table['token'].text[1]).toMatch(/^Expired\s*archnest_agent_t-ex…\s*Expired /);
    expect(table['token'].text[2]).toMatch(/^Active\s*archnest_agent_t-ne…\s*Previous/);
    expect(table['token'].text[3]).toContain('From 10.20.0.0/16');
    expect(table['tokenUsed'].text).toEqual(['—', 'Never', '30 s ago from 10.0.0.7', 'Never']);
    expect(table['actions'].text.map((text) => text.replace(/\s+/g, ' '))).toEqual([
      'Issue token',
      'Rotate',
      'Rotate Revoke',
      'Rotate Revoke',
    ]);
  });

  it('adds an agent host: issues its token and shows it once in the install command', async () => {
    await render('admin', [], []);
    await (await loader.getHarness(MatButtonHarness.with({ text: /Add agent host/ }))).click();
    const dialog = await documentLoader.getHarness(MatDialogHarness);
    await fill(dialog, 'Host ID', 'edge-7');
    await fill(dialog, 'Name (optional)', 'rack 2');
    await fill(dialog, 'Allowed networks (optional)', '10.20.0.0/16, fd00:20::/64');
    await fill(dialog, 'Expires on (optional)', '2099-12-31');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Issue token' }))).click();

    const issue = http.expectOne({ method: 'POST', url: '/api/agents/tokens' });
    const body = issue.request.body as Record<string, unknown>;
    expect(body).toMatchObject({
      hostId: 'edge-7',
      name: 'rack 2',
      allowedCidrs: ['10.20.0.0/16', 'fd00:20::/64'],
    });
    expect(new Date(body['expiresAt'] as string).getFullYear()).toBe(2099);
    issue.flush({
      ...agentToken('t1', 'edge-7', { allowedCidrs: ['10.20.0.0/16', 'fd00:20::/64'] }),
      token: SECRET,
    } satisfies IssuedAgentToken);

    await vi.waitFor(async () => expect(await dialog.getContentText()).toContain(SECRET));
    const text = await dialog.getContentText();
    expect(text).toContain('will not be shown again');
    expect(text).toContain(
      `printf '%s\\n' '${SECRET}' | ` +
        `sudo bash install.sh --url ${location.origin} --host-id edge-7 --token-file -`,
    );
    await (
      await dialog.getHarness(MatButtonHarness.with({ text: 'Copy install command' }))
    ).click();
    expect(copied).toEqual([expect.stringContaining(`'${SECRET}' | sudo bash install.sh`)]);

    await (await dialog.getHarness(MatButtonHarness.with({ text: /^Done/ }))).click();
    await flushList([], [agentToken('t1', 'edge-7')]);
    expect(await documentLoader.getAllHarnesses(MatDialogHarness)).toEqual([]);
    expect(document.body.textContent).not.toContain(SECRET);
    expect((await cells())['hostId'].text).toEqual(['edge-7']);
  });

  it('keeps the dialog open with the reason the server refused the token', async () => {
    await render('admin', [], []);
    await (await loader.getHarness(MatButtonHarness.with({ text: /Add agent host/ }))).click();
    const dialog = await documentLoader.getHarness(MatDialogHarness);
    await fill(dialog, 'Host ID', 'edge-8');
    await fill(dialog, 'Allowed networks (optional)', '10.0.0.0/99');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Issue token' }))).click();
    http.expectOne({ method: 'POST', url: '/api/agents/tokens' }).flush(
      {
        statusCode: 400,
        error: 'Bad Request',
        message: 'allowedCidrs: 10.0.0.0/99 is not a network',
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await vi.waitFor(async () =>
      expect(await dialog.getContentText()).toContain('allowedCidrs: 10.0.0.0/99 is not a network'),
    );
  });

  it('refuses a host id the agent would not accept before asking the server', async () => {
    await render('admin', [], []);
    await (await loader.getHarness(MatButtonHarness.with({ text: /Add agent host/ }))).click();
    const dialog = await documentLoader.getHarness(MatDialogHarness);
    await fill(dialog, 'Host ID', 'no spaces please');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Issue token' }))).click();
    expect(await dialog.getContentText()).toContain('1-128 letters, digits, dots, dashes');
    http.expectNone('/api/agents/tokens');
  });

  it('rotates a token after confirmation and shows the new one once', async () => {
    await render('admin', [reporting], [agentToken('t1', 'proxmox-vm-1')]);
    await clickButton(loader, 'Rotate token of proxmox-vm-1');
    await confirm('Rotate');
    (
      await vi.waitFor(() =>
        http.expectOne({ method: 'POST', url: '/api/agents/tokens/t1/rotate' }),
      )
    ).flush({ ...agentToken('t2', 'proxmox-vm-1'), token: SECRET } satisfies IssuedAgentToken);
    const until = new Date(Date.now() + 300_000);
    await flushList(
      [reporting],
      [
        agentToken('t2', 'proxmox-vm-1', { createdAt: new Date().toISOString() }),
        agentToken('t1', 'proxmox-vm-1', { replacedBy: 't2', expiresAt: until.toISOString() }),
      ],
    );

    const dialog = await vi.waitFor(async () => {
      const open = await documentLoader.getHarness(
        MatDialogHarness.with({ selector: '.mat-mdc-dialog-container' }),
      );
      expect(await open.getTitleText()).toBe('New token for proxmox-vm-1');
      return open;
    });
    const text = await dialog.getContentText();
    expect(text).toContain(`'${SECRET}' | sudo bash install.sh`);
    expect(text).toContain(`keeps working until ${until.toLocaleTimeString()}`);
    expect((await cells())['token'].text[0]).toContain('Previous archnest_agent_t1…');
    await (await dialog.getHarness(MatButtonHarness.with({ text: /^Done/ }))).click();
    await flushList([reporting], [agentToken('t2', 'proxmox-vm-1')]);
    expect(document.body.textContent).not.toContain(SECRET);
  });

  it('revokes every working token of a host after confirmation', async () => {
    await render(
      'admin',
      [reporting],
      [
        agentToken('t2', 'proxmox-vm-1'),
        agentToken('t1', 'proxmox-vm-1', {
          createdAt: '2026-06-01T00:00:00Z',
          replacedBy: 't2',
          expiresAt: new Date(Date.now() + 600_000).toISOString(),
        }),
      ],
    );
    await clickButton(loader, 'Revoke token of proxmox-vm-1');
    await confirm('Revoke');
    for (const id of ['t2', 't1']) {
      (
        await vi.waitFor(() =>
          http.expectOne({ method: 'DELETE', url: `/api/agents/tokens/${id}` }),
        )
      ).flush(null, { status: 204, statusText: 'No Content' });
    }
    await flushList([reporting], []);
    expect(await (await documentLoader.getHarness(MatSnackBarHarness)).getMessage()).toBe(
      'Token of proxmox-vm-1 revoked',
    );
    expect((await cells())['token'].text).toEqual([expect.stringMatching(/^Shared token/)]);
  });

  it('enrolls a host that reports with the shared token from its row, its id filled in', async () => {
    await render('admin', [reporting], []);
    await clickButton(loader, 'Issue token for proxmox-vm-1');
    const dialog = await documentLoader.getHarness(MatDialogHarness);
    const hostId = await dialog.getHarness(
      MatFormFieldHarness.with({ floatingLabelText: 'Host ID' }),
    );
    expect(await (await hostId.getControl(MatInputHarness))!.getValue()).toBe('proxmox-vm-1');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Issue token' }))).click();
    expect(http.expectOne({ method: 'POST', url: '/api/agents/tokens' }).request.body).toEqual({
      hostId: 'proxmox-vm-1',
    });
  });

  it('offers no token actions to a member and does not ask for the tokens', async () => {
    await render('member', [reporting], []);
    expect(await loader.getAllHarnesses(MatButtonHarness.with({ text: /Add agent host/ }))).toEqual(
      [],
    );
    expect(Object.keys(await cells())).not.toContain('actions');
  });

  it('copies an install snippet for the host id typed, without any token', async () => {
    await render('admin', [reporting], []);
    const install = await loader.getHarness(MatInputHarness.with({ selector: '.install input' }));
    await install.setValue('edge-7');
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Copy install steps' }))).click();

    expect(copied).toHaveLength(1);
    const snippet = copied[0];
    expect(snippet).toContain(`ARCHNEST_URL=${location.origin}`);
    expect(snippet).toContain('ARCHNEST_HOST_ID=edge-7');
    expect(snippet).toContain("ARCHNEST_AGENT_TOKEN=<the server's ARCHNEST_AGENT_TOKEN>");
    expect(snippet).toContain('systemctl enable --now archnest-docker-agent.timer');
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('ARCHNEST_HOST_ID=edge-7');
  });
});
