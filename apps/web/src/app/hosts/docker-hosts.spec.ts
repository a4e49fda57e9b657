import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatCheckboxHarness } from '@angular/material/checkbox/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatRadioGroupHarness } from '@angular/material/radio/testing';
import { MatSnackBarHarness } from '@angular/material/snack-bar/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import type { DockerHost } from '@archnest/contracts';
import { DockerHosts } from './docker-hosts';
import { answerHostTrends, history, hostTrendUrl, point } from '../metrics/testing';

const engine: DockerHost = {
  id: '6f1c2a9e-2b7d-4c55-9d4e-1b2c3d4e5f60',
  name: 'engine01',
  url: 'tcp://engine01.lan:2376',
  tls: { configured: true },
  lastSeenAt: '2026-06-20T10:00:00Z',
  createdAt: '2026-06-01T10:00:00Z',
  updatedAt: '2026-06-01T10:00:00Z',
};

describe('DockerHosts', () => {
  let http: HttpTestingController;
  let loader: HarnessLoader;
  let documentLoader: HarnessLoader;

  async function flushList(hosts: DockerHost[]): Promise<void> {
    (await vi.waitFor(() => http.expectOne({ method: 'GET', url: '/api/docker/hosts' }))).flush(
      hosts,
    );
  }

  async function fill(dialog: MatDialogHarness, label: string, value: string): Promise<void> {
    const field = await dialog.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }));
    await (await field.getControl(MatInputHarness))!.setValue(value);
  }

  async function snackBarMessage(): Promise<string> {
    return (await documentLoader.getHarness(MatSnackBarHarness)).getMessage();
  }

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(DockerHosts);
    loader = TestbedHarnessEnvironment.loader(fixture);
    documentLoader = TestbedHarnessEnvironment.documentRootLoader(fixture);
    await flushList([engine]);
  });

  afterEach(() => {
    answerHostTrends(http);
    expect.soft(() => http.verify()).not.toThrow();
  });

  it('lists the hosts without ever showing TLS material', async () => {
    const cells = await (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();
    expect(cells['name'].text).toEqual(['engine01']);
    expect(cells['url'].text).toEqual(['tcp://engine01.lan:2376']);
    expect(cells['tls'].text).toEqual(['Client certificate']);
  });

  it("shows each host's last hour in its row", async () => {
    (await vi.waitFor(() => http.expectOne(hostTrendUrl('docker-tcp', engine.id)))).flush(
      history([point(0, 12.5)]),
    );
    const table = await loader.getHarness(MatTableHarness);
    await vi.waitFor(async () =>
      expect((await table.getCellTextByColumnName())['trend'].text[0]).toMatch(
        /^CPU 12\.5 %\s*Mem 50\.0 MiB\s*Running 2$/,
      ),
    );
  });

  it('adds a host with TLS material, verified first', async () => {
    await (await loader.getHarness(MatButtonHarness.with({ text: /Add Docker host/ }))).click();
    const dialog = await documentLoader.getHarness(MatDialogHarness);
    await fill(dialog, 'Name', 'engine02');
    await fill(dialog, 'Engine URL', 'tcp://10.0.0.9:2376');
    await (await dialog.getHarness(MatRadioGroupHarness)).checkRadioButton({ label: /Use TLS/ });
    await fill(dialog, 'CA certificate', 'CA PEM');
    await fill(dialog, 'Client certificate', 'CERT PEM');
    await fill(dialog, 'Client key', 'KEY PEM');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Add host' }))).click();

    const create = http.expectOne({ method: 'POST', url: '/api/docker/hosts?verify=true' });
    expect(create.request.body).toEqual({
      name: 'engine02',
      url: 'tcp://10.0.0.9:2376',
      tls: { ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM' },
    });
    create.flush({ ...engine, id: 'new', name: 'engine02' });
    await flushList([engine, { ...engine, id: 'new', name: 'engine02' }]);
    expect(await snackBarMessage()).toBe('engine02 added');
  });

  it('edits a host and keeps the stored TLS material unless told otherwise', async () => {
    await (
      await loader.getHarness(MatButtonHarness.with({ selector: '[aria-label="Edit engine01"]' }))
    ).click();
    const dialog = await documentLoader.getHarness(MatDialogHarness);
    const radios = await dialog.getHarness(MatRadioGroupHarness);
    expect(await radios.getCheckedValue()).toBe('keep');
    await fill(dialog, 'Name', 'engine-one');
    await (await dialog.getHarness(MatCheckboxHarness)).uncheck();
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Save' }))).click();

    const update = http.expectOne({
      method: 'PATCH',
      url: `/api/docker/hosts/${engine.id}?verify=false`,
    });
    expect(update.request.body).toEqual({ name: 'engine-one', url: engine.url });
    update.flush({ ...engine, name: 'engine-one' });
    await flushList([{ ...engine, name: 'engine-one' }]);
  });

  it('keeps the dialog open with the reason when the engine does not answer', async () => {
    await (await loader.getHarness(MatButtonHarness.with({ text: /Add Docker host/ }))).click();
    const dialog = await documentLoader.getHarness(MatDialogHarness);
    await fill(dialog, 'Name', 'down');
    await fill(dialog, 'Engine URL', 'tcp://10.0.0.10:2376');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Add host' }))).click();
    http
      .expectOne({ method: 'POST', url: '/api/docker/hosts?verify=true' })
      .flush(
        { statusCode: 502, message: 'Docker host "down" is unreachable: connection refused' },
        { status: 502, statusText: 'Bad Gateway' },
      );
    await vi.waitFor(async () =>
      expect(await dialog.getContentText()).toContain('is unreachable: connection refused'),
    );
  });

  it('tests a host and reports the engine version', async () => {
    await (
      await loader.getHarness(MatButtonHarness.with({ selector: '[aria-label="Test engine01"]' }))
    ).click();
    http.expectOne({ method: 'POST', url: `/api/docker/hosts/${engine.id}/test` }).flush({
      ok: true,
      version: '28.2.2',
      apiVersion: '1.50',
      platform: 'linux/amd64',
      latencyMs: 12,
      reason: null,
    });
    await flushList([engine]);
    expect(await snackBarMessage()).toBe(
      'engine01: Docker 28.2.2 (API 1.50, linux/amd64) answered in 12 ms',
    );
  });

  it('removes a host after confirmation', async () => {
    await (
      await loader.getHarness(MatButtonHarness.with({ selector: '[aria-label="Remove engine01"]' }))
    ).click();
    const confirm = await documentLoader.getHarness(MatDialogHarness);
    await (await confirm.getHarness(MatButtonHarness.with({ text: 'Remove' }))).click();
    (
      await vi.waitFor(() =>
        http.expectOne({ method: 'DELETE', url: `/api/docker/hosts/${engine.id}` }),
      )
    ).flush(null, { status: 204, statusText: 'No Content' });
    await flushList([]);
    expect(await snackBarMessage()).toBe('engine01 removed');
  });
});
