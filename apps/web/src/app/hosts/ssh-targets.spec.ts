import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MatSnackBarHarness } from '@angular/material/snack-bar/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import type { SshTarget } from '@archnest/contracts';
import { SshTargets } from './ssh-targets';
import { answerHostTrends, history, hostTrendUrl, point } from '../metrics/testing';

const FINGERPRINT = 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s';

function target(id: string, name: string, overrides: Partial<SshTarget> = {}): SshTarget {
  return {
    id,
    name,
    host: '10.0.0.5',
    port: 22,
    username: 'deploy',
    authMethod: 'key',
    jumpTargetId: null,
    hostKeyFingerprint: FINGERPRINT,
    dockerCommand: 'docker',
    dockerHost: null,
    createdAt: '2026-06-01T10:00:00Z',
    updatedAt: '2026-06-01T10:00:00Z',
    ...overrides,
  };
}

const bastion = target('j1', 'bastion');
const inner = target('t1', 'inner', {
  jumpTargetId: 'j1',
  hostKeyFingerprint: null,
  host: '10.0.1.7',
});

describe('SshTargets', () => {
  let http: HttpTestingController;
  let loader: HarnessLoader;
  let documentLoader: HarnessLoader;

  async function flushList(targets: SshTarget[]): Promise<void> {
    (
      await vi.waitFor(() => http.expectOne({ method: 'GET', url: '/api/docker-ssh/targets' }))
    ).flush(targets);
  }

  async function fill(dialog: MatDialogHarness, label: string, value: string): Promise<void> {
    const field = await dialog.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }));
    await (await field.getControl(MatInputHarness))!.setValue(value);
  }

  function button(selector: string): Promise<MatButtonHarness> {
    return loader.getHarness(MatButtonHarness.with({ selector }));
  }

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(SshTargets);
    loader = TestbedHarnessEnvironment.loader(fixture);
    documentLoader = TestbedHarnessEnvironment.documentRootLoader(fixture);
    await flushList([bastion, inner]);
  });

  afterEach(() => {
    answerHostTrends(http);
    expect.soft(() => http.verify()).not.toThrow();
  });

  it('lists targets with their jump host and whether the host key is pinned', async () => {
    const cells = await (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();
    expect(cells['address'].text).toEqual(['deploy@10.0.0.5:22', 'deploy@10.0.1.7:22']);
    expect(cells['via'].text).toEqual(['Direct', 'bastion']);
    expect(cells['hostKey'].text).toEqual([FINGERPRINT, 'Not pinned: scan it']);
    expect(await (await button('[aria-label="Test inner"]')).isDisabled()).toBe(true);
  });

  it("shows each target's last hour in its row", async () => {
    (await vi.waitFor(() => http.expectOne(hostTrendUrl('docker-ssh', 't1')))).flush(
      history([point(0, 12.5)]),
    );
    const table = await loader.getHarness(MatTableHarness);
    await vi.waitFor(async () =>
      expect((await table.getCellTextByColumnName())['trend'].text[1]).toMatch(
        /^CPU 12\.5 %\s*Mem 50\.0 MiB\s*Running 2$/,
      ),
    );
  });

  it('adds a target behind a jump host with a private key', async () => {
    await (await loader.getHarness(MatButtonHarness.with({ text: /Add SSH target/ }))).click();
    const dialog = await documentLoader.getHarness(MatDialogHarness);
    await fill(dialog, 'Name', 'docker02');
    await fill(dialog, 'Host', '10.0.1.8');
    await fill(dialog, 'Username', 'deploy');
    await fill(dialog, 'Private key', '-----BEGIN OPENSSH PRIVATE KEY-----');
    const jump = await dialog.getHarness(MatSelectHarness);
    await jump.open();
    expect(await Promise.all((await jump.getOptions()).map((o) => o.getText()))).toEqual([
      'Directly (no jump host)',
      'bastion (10.0.0.5:22)',
      'inner (10.0.1.7:22)',
    ]);
    await jump.clickOptions({ text: /bastion/ });
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Add target' }))).click();

    const create = http.expectOne({ method: 'POST', url: '/api/docker-ssh/targets' });
    expect(create.request.body).toEqual({
      name: 'docker02',
      host: '10.0.1.8',
      port: 22,
      username: 'deploy',
      privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----',
      jumpTargetId: 'j1',
      dockerCommand: 'docker',
      dockerHost: null,
    });
    create.flush(target('t2', 'docker02', { jumpTargetId: 'j1', hostKeyFingerprint: null }));
    await flushList([bastion, inner, target('t2', 'docker02')]);
  });

  it('never offers a jump host that would make a cycle, and keeps stored credentials on edit', async () => {
    await (await button('[aria-label="Edit bastion"]')).click();
    const dialog = await documentLoader.getHarness(MatDialogHarness);
    const jump = await dialog.getHarness(MatSelectHarness);
    await jump.open();
    expect(await Promise.all((await jump.getOptions()).map((o) => o.getText()))).toEqual([
      'Directly (no jump host)',
    ]);
    await jump.close();
    expect(await dialog.getContentText()).toContain('Leave empty to keep the stored key');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Save' }))).click();

    const update = http.expectOne({ method: 'PATCH', url: '/api/docker-ssh/targets/j1' });
    expect(update.request.body).not.toHaveProperty('privateKey');
    expect(update.request.body).not.toHaveProperty('password');
    update.flush(bastion);
    await flushList([bastion, inner]);
  });

  it('scans the host key, shows the fingerprint and pins it only on an explicit accept', async () => {
    await (await button('[aria-label="Scan key of inner"]')).click();
    http
      .expectOne({ method: 'POST', url: '/api/docker-ssh/targets/t1/host-key/scan' })
      .flush({ fingerprint: FINGERPRINT, keyType: 'ssh-ed25519', pinned: false });

    const dialog = await documentLoader.getHarness(MatDialogHarness);
    expect(await dialog.getContentText()).toContain(FINGERPRINT);
    expect(await dialog.getContentText()).toContain('ssh_host_ed25519_key.pub');
    http.expectNone({ method: 'POST', url: '/api/docker-ssh/targets/t1/host-key/accept' });

    await (
      await dialog.getHarness(MatButtonHarness.with({ text: 'Accept and pin this key' }))
    ).click();
    const accept = http.expectOne({
      method: 'POST',
      url: '/api/docker-ssh/targets/t1/host-key/accept',
    });
    expect(accept.request.body).toEqual({ fingerprint: FINGERPRINT });
    accept.flush({ ...inner, hostKeyFingerprint: FINGERPRINT });
    await flushList([bastion, { ...inner, hostKeyFingerprint: FINGERPRINT }]);
    expect(await (await documentLoader.getHarness(MatSnackBarHarness)).getMessage()).toBe(
      'Host key of inner pinned',
    );
  });

  it('warns loudly when the scanned key differs from the pinned one', async () => {
    await (await button('[aria-label="Scan key of bastion"]')).click();
    http
      .expectOne({ method: 'POST', url: '/api/docker-ssh/targets/j1/host-key/scan' })
      .flush({ fingerprint: 'SHA256:' + 'B'.repeat(43), keyType: 'ssh-ed25519', pinned: false });
    const dialog = await documentLoader.getHarness(MatDialogHarness);
    expect(await dialog.getContentText()).toContain('This is not the pinned key');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Cancel' }))).click();
    http.expectNone({ method: 'POST', url: '/api/docker-ssh/targets/j1/host-key/accept' });
  });

  it('tests a target and shows the docker version and the chain', async () => {
    await (await button('[aria-label="Test bastion"]')).click();
    http
      .expectOne({ method: 'POST', url: '/api/docker-ssh/targets/j1/test' })
      .flush({ dockerVersion: '27.3.1', latencyMs: 85, chain: ['bastion'] });
    expect(await (await documentLoader.getHarness(MatSnackBarHarness)).getMessage()).toBe(
      'bastion: Docker 27.3.1 via bastion answered in 85 ms',
    );
  });
});
