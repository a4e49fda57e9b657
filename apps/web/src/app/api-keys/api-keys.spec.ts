import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { Clipboard } from '@angular/cdk/clipboard';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatCheckboxHarness } from '@angular/material/checkbox/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSnackBarHarness } from '@angular/material/snack-bar/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import type { ApiKeySummary, IssuedApiKey, User, UserRole } from '@archnest/contracts';
import { Auth } from '../auth/auth';
import { ApiKeys } from './api-keys';

const KEY = 'archnest_key_Th1sIsTheOnlyT1meY0uSeeIt';

function apiKey(id: string, fields: Partial<ApiKeySummary> = {}) {
  return {
    id,
    userId: 'u1',
    username: 'alice',
    name: 'deploy script',
    hint: 'archnest_key_abcd…',
    readOnly: false,
    state: 'active',
    createdAt: '2026-06-20T09:00:00Z',
    expiresAt: null,
    lastUsedAt: null,
    lastAddress: null,
    ...fields,
  } satisfies ApiKeySummary;
}

function user(role: UserRole): User {
  return {
    id: 'u1',
    username: 'alice',
    role,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

describe('ApiKeys', () => {
  let http: HttpTestingController;
  let loader: HarnessLoader;
  let documentLoader: HarnessLoader;
  let copied: string[];

  async function render(role: UserRole, keys: ApiKeySummary[]): Promise<void> {
    const signedIn = TestBed.inject(Auth).loadUser();
    http.expectOne('/api/auth/me').flush(user(role));
    await signedIn;
    const fixture = TestBed.createComponent(ApiKeys);
    loader = TestbedHarnessEnvironment.loader(fixture);
    documentLoader = TestbedHarnessEnvironment.documentRootLoader(fixture);
    await flushList(keys);
  }

  async function flushList(keys: ApiKeySummary[]): Promise<void> {
    (await vi.waitFor(() => http.expectOne({ method: 'GET', url: '/api/auth/api-keys' }))).flush(
      keys,
    );
  }

  async function cells(): Promise<Record<string, { text: string[] }>> {
    return (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();
  }

  async function fill(dialog: MatDialogHarness, label: string, value: string): Promise<void> {
    const field = await dialog.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }));
    await (await field.getControl(MatInputHarness))!.setValue(value);
  }

  async function openCreateDialog(): Promise<MatDialogHarness> {
    await (await loader.getHarness(MatButtonHarness.with({ text: /Create API key/ }))).click();
    return documentLoader.getHarness(MatDialogHarness);
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
    expect.soft(() => http.verify()).not.toThrow();
  });

  it("lists a member's keys without an owner column, never the key itself", async () => {
    const used = new Date(Date.now() - 120_000).toISOString();
    await render('member', [
      apiKey('k1', { readOnly: true, lastUsedAt: used, lastAddress: '192.0.2.4' }),
      apiKey('k2', { name: 'old', state: 'expired', expiresAt: '2026-01-01T00:00:00Z' }),
    ]);
    const table = await cells();
    expect(Object.keys(table)).not.toContain('owner');
    expect(table['name'].text).toEqual(['deploy script', 'old']);
    expect(table['hint'].text).toEqual(['archnest_key_abcd…', 'archnest_key_abcd…']);
    expect(table['access'].text).toEqual(['Read-only', 'Full']);
    expect(table['lastUsedAt'].text).toEqual(['2 min ago from 192.0.2.4', 'Never']);
    expect(table['expiresAt'].text[0]).toBe('Never');
    expect(table['expiresAt'].text[1]).toMatch(/^Expired .*2026/);
  });

  it("shows an admin everyone's keys with their owner", async () => {
    await render('admin', [apiKey('k1'), apiKey('k2', { userId: 'u2', username: 'mia' })]);
    expect((await cells())['owner'].text).toEqual(['alice', 'mia']);
    expect(
      await loader.getHarnessOrNull(
        MatButtonHarness.with({ selector: `[aria-label="Revoke mia's key deploy script"]` }),
      ),
    ).not.toBeNull();
  });

  it('creates a read-only key with an expiry and shows it once, with a warning', async () => {
    await render('member', []);
    const dialog = await openCreateDialog();
    await fill(dialog, 'Name', 'grafana');
    await fill(dialog, 'Expires on (optional)', '2099-03-01');
    await (await dialog.getHarness(MatCheckboxHarness)).check();
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Create key' }))).click();

    const create = http.expectOne({ method: 'POST', url: '/api/auth/api-keys' });
    const body = create.request.body as Record<string, unknown>;
    expect(body).toMatchObject({ name: 'grafana', readOnly: true });
    expect(new Date(body['expiresAt'] as string).getFullYear()).toBe(2099);
    create.flush({
      ...apiKey('k3', { name: 'grafana', readOnly: true }),
      key: KEY,
    } satisfies IssuedApiKey);

    await vi.waitFor(async () => expect(await dialog.getContentText()).toContain(KEY));
    const text = await dialog.getContentText();
    expect(text).toContain('Copy the key now: it will not be shown again.');
    expect(text).toContain(`curl -H 'Authorization: Bearer ${KEY}'`);
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Copy API key' }))).click();
    expect(copied).toEqual([KEY]);

    await (await dialog.getHarness(MatButtonHarness.with({ text: /^Done/ }))).click();
    await flushList([apiKey('k3', { name: 'grafana', readOnly: true })]);
    expect(await documentLoader.getAllHarnesses(MatDialogHarness)).toEqual([]);
    expect(document.body.textContent).not.toContain(KEY);
    expect(await (await documentLoader.getHarness(MatSnackBarHarness)).getMessage()).toBe(
      'API key grafana created',
    );
  });

  it('asks for a name before sending anything', async () => {
    await render('member', []);
    const dialog = await openCreateDialog();
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Create key' }))).click();
    expect(await dialog.getContentText()).toContain('Name the key');
    http.expectNone({ method: 'POST', url: '/api/auth/api-keys' });
  });

  it('revokes a key after confirmation', async () => {
    await render('member', [apiKey('k1')]);
    await (
      await vi.waitFor(() =>
        loader.getHarness(
          MatButtonHarness.with({ selector: '[aria-label="Revoke deploy script"]' }),
        ),
      )
    ).click();
    const confirm = await documentLoader.getHarness(MatDialogHarness);
    expect(await confirm.getTitleText()).toBe('Revoke deploy script?');
    await (await confirm.getHarness(MatButtonHarness.with({ text: 'Revoke' }))).click();
    (
      await vi.waitFor(() => http.expectOne({ method: 'DELETE', url: '/api/auth/api-keys/k1' }))
    ).flush(null, { status: 204, statusText: 'No Content' });
    await flushList([]);
    expect(await (await documentLoader.getHarness(MatSnackBarHarness)).getMessage()).toBe(
      'API key deploy script revoked',
    );
  });
});
