import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatChipHarness } from '@angular/material/chips/testing';
import { MatSnackBarHarness } from '@angular/material/snack-bar/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import { MatTabGroupHarness } from '@angular/material/tabs/testing';
import { provideRouter } from '@angular/router';
import type { ContainerDetail as DetailData } from '@archnest/contracts';
import { authInterceptor } from '../auth/auth-interceptor';
import { ContainerDetail } from './container-detail';
import type { ContainerRow } from './sources';
import { detailOf, host, row, signInAs, summary } from './testing';

const tcp = host('docker-tcp', 'h1', 'engine01');
const agent = host('agent', 'vm-1', 'docker01');
const webSummary = summary('aa', 'web', {
  ports: [{ hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, proto: 'tcp' }],
});
const web = row(tcp, webSummary);

describe('ContainerDetail', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<ContainerDetail>;
  let loader: HarnessLoader;

  function text(): string {
    return (fixture.nativeElement as HTMLElement).textContent ?? '';
  }

  async function render(target: ContainerRow, detail: DetailData, isAdmin = true): Promise<void> {
    fixture = TestBed.createComponent(ContainerDetail);
    fixture.componentRef.setInput('row', target);
    fixture.componentRef.setInput('isAdmin', isAdmin);
    loader = TestbedHarnessEnvironment.loader(fixture);
    const url = `/api/containers/${target.source}/${target.hostId}/${target.id}`;
    (await vi.waitFor(() => http.expectOne({ method: 'GET', url }))).flush(detail);
    await vi.waitFor(() => expect(text()).toContain('Overview'));
  }

  async function showSection(label: string): Promise<void> {
    const sections = await loader.getHarness(MatTabGroupHarness.with({ selector: '.sections' }));
    await sections.selectTab({ label });
  }

  async function sectionLabels(): Promise<string[]> {
    const sections = await loader.getHarness(MatTabGroupHarness.with({ selector: '.sections' }));
    return Promise.all((await sections.getTabs()).map((tab) => tab.getLabel()));
  }

  beforeEach(async () => {
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        provideRouter([]),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    await signInAs('admin');
  });

  afterEach(() => expect.soft(() => http.verify()).not.toThrow());

  it('shows overview, state and health, and the command', async () => {
    await render(web, detailOf(webSummary, { restartCount: 3 }));

    expect(await (await loader.getHarness(MatChipHarness)).getText()).toBe('Running');
    const shown = text();
    for (const expected of [
      'nginx',
      '1.27',
      'aa0000000000',
      'aaaaaaaaaaaa',
      'unless-stopped',
      'Healthy',
      "nginx -g 'daemon off;'",
      '/docker-entrypoint.sh',
    ]) {
      expect(shown).toContain(expected);
    }
    expect(shown).toMatch(/Restarts\s*3/);
    expect(shown).not.toContain('Exit code');
  });

  it('shows the exit code of a stopped container and what a source does not report', async () => {
    const stopped = summary('bb', 'job', { state: 'exited', status: 'Exited (3) 1 hour ago' });
    await render(
      row(tcp, stopped),
      detailOf(stopped, { exitCode: 3, restartPolicy: null, health: null }),
    );
    expect(text()).toMatch(/Exit code\s*3/);
    expect(text()).toMatch(/Restart policy\s*— \(not reported by this source\)/);
    expect(text()).toMatch(/Health\s*— \(not reported by this source\)/);
  });

  it('lists ports, networks, mounts, labels and the masked environment', async () => {
    await render(web, detailOf(webSummary));

    await showSection('Network');
    const ports = await loader.getHarness(
      MatTableHarness.with({ selector: '[aria-label="Ports"]' }),
    );
    expect((await ports.getCellTextByColumnName())['hostPort'].text).toEqual(['8080']);
    await showSection('Mounts');
    const mounts = await loader.getHarness(
      MatTableHarness.with({ selector: '[aria-label="Mounts"]' }),
    );
    expect((await mounts.getCellTextByColumnName())['destination'].text).toEqual(['/data']);
    await showSection('Env & labels');
    const env = await loader.getHarness(
      MatTableHarness.with({ selector: '[aria-label="Environment"]' }),
    );
    expect(await env.getCellTextByIndex()).toEqual([
      ['NODE_ENV', 'production'],
      ['DB_PASSWORD', '********'],
    ]);
    const labels = await loader.getHarness(
      MatTableHarness.with({ selector: '[aria-label="Labels"]' }),
    );
    expect(await labels.getCellTextByIndex()).toEqual([['com.docker.compose.project', 'web']]);
  });

  it('offers admins actions and a terminal on a managed source', async () => {
    await render(web, detailOf(webSummary));
    const buttons = await loader.getAllHarnesses(MatButtonHarness.with({ ancestor: '.actions' }));
    expect(await Promise.all(buttons.map((b) => b.getText()))).toEqual([
      'Stop',
      'Restart',
      'Pause',
      'Remove',
    ]);
    expect(await sectionLabels()).toContain('Terminal');
  });

  it('restarts from the header and reloads what it shows', async () => {
    await render(web, detailOf(webSummary));
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Restart' }))).click();
    (
      await vi.waitFor(() =>
        http.expectOne({ method: 'POST', url: `/api/containers/docker-tcp/h1/${web.id}/restart` }),
      )
    ).flush(null, { status: 204, statusText: 'No Content' });
    (await vi.waitFor(() => http.expectOne(`/api/containers/docker-tcp/h1/${web.id}`))).flush(
      detailOf(webSummary, { restartCount: 1, startedAt: '2026-06-20T12:00:00Z' }),
    );
    const snackBar =
      await TestbedHarnessEnvironment.documentRootLoader(fixture).getHarness(MatSnackBarHarness);
    expect(await snackBar.getMessage()).toBe('web restarted');
    await vi.waitFor(() => expect(text()).toMatch(/Restarts\s*1/));
  });

  it('keeps agent containers read-only and says logs and shells are not reported', async () => {
    const reported = summary('cc', 'cache');
    await render(row(agent, reported), detailOf(reported));

    expect(await loader.getAllHarnesses(MatButtonHarness.with({ ancestor: '.actions' }))).toEqual(
      [],
    );
    expect(text()).toContain('Read-only: the agent only reports.');
    await showSection('Logs');
    expect(text()).toContain('Logs: not reported by this source.');
    await showSection('Terminal');
    expect(text()).toContain('A shell: not reported by this source.');
  });

  it('shows members neither actions nor a terminal', async () => {
    await render(web, detailOf(webSummary), false);
    expect(await loader.getAllHarnesses(MatButtonHarness.with({ ancestor: '.actions' }))).toEqual(
      [],
    );
    expect(await sectionLabels()).not.toContain('Terminal');
    expect(text()).not.toContain('Read-only');
  });

  it('says why the detail did not load and retries', async () => {
    fixture = TestBed.createComponent(ContainerDetail);
    fixture.componentRef.setInput('row', web);
    loader = TestbedHarnessEnvironment.loader(fixture);
    const url = `/api/containers/docker-tcp/h1/${web.id}`;
    (await vi.waitFor(() => http.expectOne(url))).flush(
      { statusCode: 404, message: 'No such container: web' },
      { status: 404, statusText: 'Not Found' },
    );
    await vi.waitFor(() => expect(text()).toContain('Could not load web: No such container: web'));
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Retry' }))).click();
    (await vi.waitFor(() => http.expectOne(url))).flush(detailOf(webSummary));
    await vi.waitFor(() => expect(text()).not.toContain('Could not load'));
  });
});
