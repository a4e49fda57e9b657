import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MatSnackBarHarness } from '@angular/material/snack-bar/testing';
import { MatTabGroupHarness } from '@angular/material/tabs/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import type { AlertChannel, AlertRule, User, UserRole } from '@archnest/contracts';
import { Auth } from '../auth/auth';
import { Alerts } from './alerts';
import { FiringAlerts } from './firing-alerts';
import { channel, rule } from './testing';

function user(role: UserRole): User {
  return {
    id: 'u1',
    username: 'alice',
    role,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

describe('Alerts: rules', () => {
  let http: HttpTestingController;
  let loader: HarnessLoader;
  let documentLoader: HarnessLoader;

  async function render(
    role: UserRole,
    rules: AlertRule[],
    channels: AlertChannel[] = [],
  ): Promise<void> {
    const signedIn = TestBed.inject(Auth).loadUser();
    http.expectOne('/api/auth/me').flush(user(role));
    await signedIn;
    const fixture = TestBed.createComponent(Alerts);
    loader = TestbedHarnessEnvironment.loader(fixture);
    documentLoader = TestbedHarnessEnvironment.documentRootLoader(fixture);
    await flushRules(rules, role === 'admin' ? channels : null);
  }

  /** One load of the Rules tab: rules, hosts, and the channels when an admin looks. */
  async function flushRules(rules: AlertRule[], channels: AlertChannel[] | null): Promise<void> {
    (await vi.waitFor(() => http.expectOne({ method: 'GET', url: '/api/alerts/rules' }))).flush(
      rules,
    );
    http.expectOne('/api/containers/hosts').flush([
      {
        source: 'agent',
        hostId: 'vm-1',
        name: 'shop vm',
        status: 'online',
        containerCount: 2,
        capabilities: ['inspect'],
        lastSeenAt: null,
      },
    ]);
    if (channels) {
      http.expectOne({ method: 'GET', url: '/api/alerts/channels' }).flush(channels);
    }
  }

  async function cells(): Promise<Record<string, { text: string[] }>> {
    const table = await vi.waitFor(() =>
      loader.getHarness(MatTableHarness.with({ selector: '[aria-label="Alert rules"]' })),
    );
    return table.getCellTextByColumnName();
  }

  async function field(dialog: MatDialogHarness, label: string | RegExp) {
    return dialog.getHarnessOrNull(MatFormFieldHarness.with({ floatingLabelText: label }));
  }

  async function fill(dialog: MatDialogHarness, label: string, value: string): Promise<void> {
    await (await (await field(dialog, label))!.getControl(MatInputHarness))!.setValue(value);
  }

  async function pickKind(dialog: MatDialogHarness, label: string): Promise<void> {
    const select = await dialog.getHarness(
      MatSelectHarness.with({ selector: '[formControlName="kind"]' }),
    );
    await select.open();
    await select.clickOptions({ text: label });
  }

  async function openCreate(): Promise<MatDialogHarness> {
    await (await loader.getHarness(MatButtonHarness.with({ text: /Create rule/ }))).click();
    return documentLoader.getHarness(MatDialogHarness);
  }

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([])],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    expect.soft(() => http.verify()).not.toThrow();
  });

  it('shows a member the rules and events only, without write controls', async () => {
    await render('member', [rule('r1', { channelIds: ['c1', 'c2'] })]);

    const tabs = await (await loader.getHarness(MatTabGroupHarness)).getTabs();
    expect(await Promise.all(tabs.map((t) => t.getLabel()))).toEqual(['Rules', 'Events']);
    const table = await cells();
    expect(Object.keys(table)).not.toContain('actions');
    expect(table['channels'].text).toEqual(['2 channels']);
    expect(table['enabled'].text).toEqual(['Yes']);
    expect(table['scope'].text).toEqual(['Every host']);
    expect(
      await loader.getHarnessOrNull(MatButtonHarness.with({ text: /Create rule/ })),
    ).toBeNull();
  });

  it('shows an admin the channels tab, channel names and the write controls', async () => {
    await render(
      'admin',
      [
        rule('r1', {
          kind: 'cpu-above',
          threshold: 90,
          forSeconds: 300,
          scope: { source: 'agent', hostId: 'vm-1', container: 'web-*' },
        }),
      ],
      [channel('c1')],
    );
    const tabs = await (await loader.getHarness(MatTabGroupHarness)).getTabs();
    expect(await Promise.all(tabs.map((t) => t.getLabel()))).toEqual([
      'Rules',
      'Channels',
      'Events',
    ]);
    const table = await cells();
    expect(table['kind'].text).toEqual(['CPU above']);
    expect(table['scope'].text).toEqual(['shop vm (Agent), containers web-*']);
    expect(table['condition'].text).toEqual(['above 90 % for 300 s']);
    expect(table['channels'].text).toEqual(['ops hook']);
    expect(
      await loader.getHarnessOrNull(
        MatButtonHarness.with({ selector: '[aria-label="Delete web must run"]' }),
      ),
    ).not.toBeNull();
  });

  it('explains each kind and asks for a threshold only where the kind takes one', async () => {
    await render('admin', [], [channel('c1')]);
    const dialog = await openCreate();
    expect(await dialog.getContentText()).toContain('Fires when a container seen running');
    expect(await field(dialog, /CPU %|Restarts|Memory %/)).toBeNull();

    await pickKind(dialog, 'Restart loop');
    expect(await dialog.getContentText()).toContain('started again');
    const restarts = await (await field(dialog, 'Restarts'))!.getControl(MatInputHarness);
    expect(await restarts!.getValue()).toBe('3');
    const window = await (await field(dialog, 'Window (seconds)'))!.getControl(MatInputHarness);
    expect(await window!.getValue()).toBe('300');

    await pickKind(dialog, 'CPU above');
    const cpu = await field(dialog, 'CPU %');
    expect(await (await cpu!.getControl(MatInputHarness))!.getValue()).toBe('');
    await fill(dialog, 'Name', 'hot cpu');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Create rule' }))).click();
    // cpu-above needs its percent: nothing is sent until it is there.
    expect(await cpu!.isControlValid()).toBe(false);
    http.expectNone({ method: 'POST', url: '/api/alerts/rules' });

    await fill(dialog, 'CPU %', '90');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Create rule' }))).click();
    const create = http.expectOne({ method: 'POST', url: '/api/alerts/rules' });
    expect(create.request.body).toEqual({
      name: 'hot cpu',
      kind: 'cpu-above',
      channelIds: [],
      scope: null,
      threshold: 90,
      forSeconds: 300,
      enabled: true,
    });
    create.flush(rule('r2', { name: 'hot cpu', kind: 'cpu-above', threshold: 90 }));
    await flushRules([rule('r2', { name: 'hot cpu' })], [channel('c1')]);
    (await vi.waitFor(() => http.expectOne((r) => r.url === '/api/alerts/events'))).flush({
      items: [],
      total: 0,
      page: 1,
      pageSize: 1,
      firing: 2,
    });
    expect(await (await documentLoader.getHarness(MatSnackBarHarness)).getMessage()).toBe(
      'hot cpu created',
    );
    await vi.waitFor(() => expect(TestBed.inject(FiringAlerts).count()).toBe(2));
  });

  it('keeps a changed forSeconds when the kind changes, and refuses one above a day', async () => {
    await render('admin', []);
    const dialog = await openCreate();
    await fill(dialog, 'For (seconds)', '60');
    await pickKind(dialog, 'Host offline');
    const seconds = await field(dialog, 'For (seconds)');
    expect(await (await seconds!.getControl(MatInputHarness))!.getValue()).toBe('60');
    await fill(dialog, 'For (seconds)', '90000');
    expect(await seconds!.isControlValid()).toBe(false);
  });

  it('edits a rule with its values filled in and deletes one after confirmation', async () => {
    await render('admin', [rule('r1', { kind: 'restart-loop', threshold: 5, forSeconds: 600 })]);
    expect((await cells())['condition'].text).toEqual(['5 restarts in 600 s']);
    await (
      await loader.getHarness(
        MatButtonHarness.with({ selector: '[aria-label="Edit web must run"]' }),
      )
    ).click();
    const dialog = await documentLoader.getHarness(MatDialogHarness);
    const restarts = await (await field(dialog, 'Restarts'))!.getControl(MatInputHarness);
    expect(await restarts!.getValue()).toBe('5');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Cancel' }))).click();

    await (
      await loader.getHarness(
        MatButtonHarness.with({ selector: '[aria-label="Delete web must run"]' }),
      )
    ).click();
    const confirm = await vi.waitFor(async () => {
      const dialogs = await documentLoader.getAllHarnesses(MatDialogHarness);
      expect(dialogs).toHaveLength(1);
      return dialogs[0];
    });
    expect(await confirm.getTitleText()).toBe('Delete web must run?');
    await (await confirm.getHarness(MatButtonHarness.with({ text: 'Delete' }))).click();
    (
      await vi.waitFor(() => http.expectOne({ method: 'DELETE', url: '/api/alerts/rules/r1' }))
    ).flush(null, { status: 204, statusText: 'No Content' });
    await flushRules([], []);
    (await vi.waitFor(() => http.expectOne((r) => r.url === '/api/alerts/events'))).flush({
      items: [],
      total: 0,
      page: 1,
      pageSize: 1,
      firing: 0,
    });
  });
});
