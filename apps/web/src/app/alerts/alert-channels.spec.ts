import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatCheckboxHarness } from '@angular/material/checkbox/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import type { AlertChannel, ChannelTestResult } from '@archnest/contracts';
import { AlertChannels } from './alert-channels';
import { channel } from './testing';

describe('AlertChannels', () => {
  let http: HttpTestingController;
  let loader: HarnessLoader;
  let documentLoader: HarnessLoader;

  async function flushList(channels: AlertChannel[]): Promise<void> {
    (await vi.waitFor(() => http.expectOne({ method: 'GET', url: '/api/alerts/channels' }))).flush(
      channels,
    );
  }

  async function render(channels: AlertChannel[]): Promise<void> {
    const fixture = TestBed.createComponent(AlertChannels);
    loader = TestbedHarnessEnvironment.loader(fixture);
    documentLoader = TestbedHarnessEnvironment.documentRootLoader(fixture);
    await flushList(channels);
  }

  async function field(dialog: MatDialogHarness, label: string | RegExp) {
    return dialog.getHarnessOrNull(MatFormFieldHarness.with({ floatingLabelText: label }));
  }

  async function fill(dialog: MatDialogHarness, label: string, value: string): Promise<void> {
    await (await (await field(dialog, label))!.getControl(MatInputHarness))!.setValue(value);
  }

  async function button(label: string): Promise<MatButtonHarness> {
    return vi.waitFor(() =>
      loader.getHarness(MatButtonHarness.with({ selector: `[aria-label="${label}"]` })),
    );
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

  it('lists whether a secret or password is set, never what it is', async () => {
    await render([
      channel('c1', { hasSecret: true }),
      channel('c2', {
        name: 'ops mail',
        type: 'email',
        url: 'smtps://mail.example.com:465',
        email: { from: 'a@x.io', to: ['b@x.io'], username: null, hasPassword: false },
      }),
    ]);
    const table = await (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();
    expect(table['type'].text).toEqual(['Webhook', 'Email (SMTP)']);
    expect(table['credentials'].text).toEqual(['Secret set', 'a@x.io → b@x.io; no password']);
  });

  it('asks an email channel for an smtp URL, a sender and recipients', async () => {
    await render([]);
    await (await loader.getHarness(MatButtonHarness.with({ text: /Add channel/ }))).click();
    const dialog = await documentLoader.getHarness(MatDialogHarness);
    expect(await field(dialog, 'From')).toBeNull();
    const type = await dialog.getHarness(MatSelectHarness);
    await type.open();
    await type.clickOptions({ text: 'Email (SMTP)' });
    await fill(dialog, 'Name', 'ops mail');
    await fill(dialog, 'SMTP server URL', 'https://mail.example.com');
    await fill(dialog, 'From', 'archnest@example.com');
    await fill(dialog, 'To', 'not-an-address');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Add channel' }))).click();
    expect(await (await field(dialog, 'SMTP server URL'))!.isControlValid()).toBe(false);
    expect(await (await field(dialog, 'To'))!.isControlValid()).toBe(false);
    http.expectNone({ method: 'POST', url: '/api/alerts/channels' });

    await fill(dialog, 'SMTP server URL', 'smtp://mail.example.com:587');
    await fill(dialog, 'To', 'a@example.com, b@example.com');
    await fill(dialog, 'SMTP password (optional)', 'pw');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Add channel' }))).click();
    const create = http.expectOne({ method: 'POST', url: '/api/alerts/channels' });
    expect(create.request.body).toEqual({
      name: 'ops mail',
      type: 'email',
      url: 'smtp://mail.example.com:587',
      enabled: true,
      email: {
        from: 'archnest@example.com',
        to: ['a@example.com', 'b@example.com'],
        password: 'pw',
      },
    });
    create.flush(channel('c3', { name: 'ops mail', type: 'email' }));
    await flushList([]);
  });

  it('keeps the stored secret when the field is left empty, and clears it on request', async () => {
    await render([channel('c1', { hasSecret: true })]);
    await (await button('Edit ops hook')).click();
    let dialog = await documentLoader.getHarness(MatDialogHarness);
    expect(await dialog.getContentText()).toContain('A secret is set. Leave empty to keep it');
    expect(await (await dialog.getHarness(MatSelectHarness)).isDisabled()).toBe(true);
    await fill(dialog, 'Name', 'ops hook 2');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Save' }))).click();
    const kept = http.expectOne({ method: 'PATCH', url: '/api/alerts/channels/c1' });
    expect(kept.request.body).toEqual({
      name: 'ops hook 2',
      url: 'https://hooks.example.com/ops',
      enabled: true,
    });
    kept.flush(channel('c1', { name: 'ops hook 2', hasSecret: true }));
    await flushList([channel('c1', { name: 'ops hook 2', hasSecret: true })]);

    await (await button('Edit ops hook 2')).click();
    dialog = await vi.waitFor(() => documentLoader.getHarness(MatDialogHarness));
    await (
      await dialog.getHarness(MatCheckboxHarness.with({ label: 'Clear the stored secret' }))
    ).check();
    expect(
      await (await (await field(dialog, 'Signing secret (optional)'))!.getControl(
        MatInputHarness,
      ))!.isDisabled(),
    ).toBe(true);
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Save' }))).click();
    const cleared = http.expectOne({ method: 'PATCH', url: '/api/alerts/channels/c1' });
    expect(cleared.request.body).toMatchObject({ secret: null });
    cleared.flush(channel('c1'));
    await flushList([channel('c1')]);
  });

  it('shows what the receiver answered to a test', async () => {
    await render([channel('c1')]);
    await (await button('Send test to ops hook')).click();
    http
      .expectOne({ method: 'POST', url: '/api/alerts/channels/c1/test' })
      .flush({ ok: false, status: 503, response: 'upstream down' } satisfies ChannelTestResult);
    await vi.waitFor(() =>
      expect(document.body.textContent).toContain('Test of ops hook: failed (status 503)'),
    );
    expect(document.body.textContent).toContain('upstream down');
  });
});
