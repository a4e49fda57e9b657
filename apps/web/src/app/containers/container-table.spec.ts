import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatCheckboxHarness } from '@angular/material/checkbox/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatMenuHarness } from '@angular/material/menu/testing';
import { MatPaginatorHarness } from '@angular/material/paginator/testing';
import { MatSnackBarHarness } from '@angular/material/snack-bar/testing';
import { MatSortHarness } from '@angular/material/sort/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import type { ContainerStats } from '@archnest/contracts';
import { ContainerTable } from './container-table';
import type { ContainerRow } from './sources';
import { host, row, summary } from './testing';

const tcp = host('docker-tcp', 'h1', 'engine01');
const agent = host('agent', 'vm-1', 'docker01');

function stats(cpuPercent: number, memUsage: number): ContainerStats {
  return {
    cpuPercent,
    memUsage,
    memLimit: 536_870_912,
    netRxBytes: 0,
    netTxBytes: 0,
    blockReadBytes: 0,
    blockWriteBytes: 0,
  };
}

const api = row(tcp, summary('a1', 'api', { state: 'exited', status: 'Exited (0) 1 hour ago' }));
const db = row(tcp, summary('b2', 'db', { state: 'paused', status: 'Up 2 hours (Paused)' }));
const web = row(agent, summary('c3', 'web', { stats: stats(12.5, 20_971_520) }));
const cache = row(agent, summary('d4', 'cache', { image: 'redis:7', stats: stats(3, 1_048_576) }));

describe('ContainerTable', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<ContainerTable>;
  let loader: HarnessLoader;
  let documentLoader: HarnessLoader;

  function render(rows: ContainerRow[], inputs: { isAdmin?: boolean; showHost?: boolean } = {}) {
    fixture = TestBed.createComponent(ContainerTable);
    fixture.componentRef.setInput('rows', rows);
    fixture.componentRef.setInput('isAdmin', inputs.isAdmin ?? true);
    fixture.componentRef.setInput('showHost', inputs.showHost ?? false);
    loader = TestbedHarnessEnvironment.loader(fixture);
    documentLoader = TestbedHarnessEnvironment.documentRootLoader(fixture);
  }

  async function column(name: string): Promise<string[]> {
    const cells = await (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();
    return cells[name]?.text ?? [];
  }

  async function openActions(name: string): Promise<MatMenuHarness> {
    const menu = await loader.getHarness(
      MatMenuHarness.with({ selector: `[aria-label="Actions for ${name}"]` }),
    );
    await menu.open();
    return menu;
  }

  async function menuItems(name: string): Promise<string[]> {
    const menu = await openActions(name);
    const items = await Promise.all((await menu.getItems()).map((item) => item.getText()));
    await menu.close();
    return items;
  }

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => expect.soft(() => http.verify()).not.toThrow());

  it('sorts by name, and by CPU when asked', async () => {
    render([web, api, cache]);
    expect(await column('name')).toEqual(['api', 'cache', 'web']);

    const cpu = (
      await (await loader.getHarness(MatSortHarness)).getSortHeaders({ label: 'CPU' })
    )[0];
    await cpu.click();
    expect(await column('name')).toEqual(['api', 'cache', 'web']);
    await cpu.click();
    expect(await column('name')).toEqual(['web', 'cache', 'api']);
    expect(await column('cpu')).toEqual(['12.5 %', '3.0 %', '—']);
    expect(await column('memory')).toEqual(['20.0 MiB / 512.0 MiB', '1.0 MiB / 512.0 MiB', '—']);
  });

  it('filters on any text of a row and says when nothing matches', async () => {
    render([web, api, cache], { showHost: true });
    const filter = await loader.getHarness(MatInputHarness.with({ placeholder: /Name, image/ }));

    await filter.setValue('redis');
    expect(await column('name')).toEqual(['cache']);
    await filter.setValue('engine01');
    expect(await column('name')).toEqual(['api']);
    await filter.setValue('nothing-like-this');
    expect(await column('name')).toEqual([]);
    expect((fixture.nativeElement as HTMLElement).textContent).toContain(
      'No container matches “nothing-like-this”',
    );
  });

  it('pages a thousand rows fifty at a time', async () => {
    const many = Array.from({ length: 1000 }, (_, i) =>
      row(
        agent,
        summary(i.toString(16), `app-${String(i).padStart(4, '0')}`, { stats: stats(1, 1) }),
      ),
    );
    render(many);
    const table = await loader.getHarness(MatTableHarness);
    expect(await table.getRows()).toHaveLength(50);

    const paginator = await loader.getHarness(MatPaginatorHarness);
    await paginator.goToNextPage();
    expect(await paginator.getRangeLabel()).toBe('51 – 100 of 1000');
    expect((await column('name'))[0]).toBe('app-0050');
  });

  it('offers admins the actions that fit the state; agent rows are read-only', async () => {
    render([api, db, web]);

    expect(await menuItems('api')).toEqual(['Start', 'Restart', 'Remove']);
    expect(await menuItems('db')).toEqual(['Unpause', 'Stop', 'Restart', 'Remove']);
    expect(
      await loader.getAllHarnesses(
        MatMenuHarness.with({ selector: '[aria-label="Actions for web"]' }),
      ),
    ).toHaveLength(0);
    expect((await column('actions'))[2]).toMatch(/^Read-only\s*Read-only: the agent only reports/);
  });

  it('shows members no Actions column at all', async () => {
    render([api, web], { isAdmin: false });
    const table = await loader.getHarness(MatTableHarness);
    const headers = await (await table.getHeaderRows())[0].getCellTextByColumnName();
    expect(Object.keys(headers)).not.toContain('actions');
    expect(await loader.getAllHarnesses(MatMenuHarness)).toHaveLength(0);
  });

  it('asks before stopping, then stops the container and says so', async () => {
    const running = row(tcp, summary('e5', 'worker'));
    render([running]);
    (await vi.waitFor(() => http.expectOne((r) => r.url.endsWith('/stats')))).flush(stats(1, 1));

    await (await openActions('worker')).clickItem({ text: /Stop/ });
    let dialog = await documentLoader.getHarness(MatDialogHarness);
    expect(await dialog.getTitleText()).toBe('Stop worker?');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Cancel' }))).click();
    http.expectNone({ method: 'POST' });

    await (await openActions('worker')).clickItem({ text: /Stop/ });
    dialog = await documentLoader.getHarness(MatDialogHarness);
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Stop' }))).click();
    (
      await vi.waitFor(() =>
        http.expectOne({ method: 'POST', url: `/api/containers/docker-tcp/h1/${running.id}/stop` }),
      )
    ).flush(null, { status: 204, statusText: 'No Content' });

    const snackBar = await documentLoader.getHarness(MatSnackBarHarness);
    expect(await snackBar.getMessage()).toBe('worker stopped');
  });

  it('removes a running container with force after confirmation, and shows a refusal', async () => {
    const running = row(tcp, summary('f6', 'old'));
    render([running]);
    (await vi.waitFor(() => http.expectOne((r) => r.url.endsWith('/stats')))).flush(stats(1, 1));

    await (await openActions('old')).clickItem({ text: /Remove/ });
    const dialog = await documentLoader.getHarness(MatDialogHarness);
    expect(await dialog.getContentText()).toContain('is running: it is stopped and removed');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Remove' }))).click();
    (
      await vi.waitFor(() =>
        http.expectOne(
          (r) =>
            r.method === 'DELETE' &&
            r.urlWithParams === `/api/containers/docker-tcp/h1/${running.id}?force=true`,
        ),
      )
    ).flush(
      { statusCode: 502, message: 'Docker host "engine01" is unreachable' },
      { status: 502, statusText: 'Bad Gateway' },
    );

    const snackBar = await documentLoader.getHarness(MatSnackBarHarness);
    expect(await snackBar.getMessage()).toBe(
      'Could not remove old: Docker host "engine01" is unreachable',
    );
  });

  it('takes stats snapshots of the running rows on screen whose list has none', async () => {
    const running = row(tcp, summary('a7', 'live'));
    render([running, api, web]);

    const snapshot = await vi.waitFor(() =>
      http.expectOne(`/api/containers/docker-tcp/h1/${running.id}/stats`),
    );
    expect(await column('cpu')).toContain('…');
    snapshot.flush(stats(42, 1_048_576));
    await vi.waitFor(async () => expect(await column('cpu')).toEqual(['—', '42.0 %', '12.5 %']));
  });

  it('merges the logs of the selected rows; rows without logs cannot be selected', async () => {
    render([api, db, web], { isAdmin: false });
    const merged: ContainerRow[][] = [];
    fixture.componentInstance.mergeLogs.subscribe((rows) => merged.push(rows));
    const merge = await loader.getHarness(MatButtonHarness.with({ text: /Merge logs/ }));
    expect(await merge.isDisabled()).toBe(true);
    // The agent's web reports no logs: no checkbox on its row.
    const boxes = await loader.getAllHarnesses(MatCheckboxHarness);
    expect(await Promise.all(boxes.map((box) => box.getAriaLabel()))).toEqual([
      'Select api on engine01',
      'Select db on engine01',
    ]);
    for (const box of boxes) {
      await box.check();
    }
    expect(await merge.getText()).toContain('Merge logs (2)');
    await merge.click();
    expect(merged.map((rows) => rows.map((r) => r.name))).toEqual([['api', 'db']]);

    await (await loader.getHarness(MatButtonHarness.with({ text: 'Clear selection' }))).click();
    expect(await merge.isDisabled()).toBe(true);
  });

  it('allows at most 20 containers in a merge', async () => {
    const many = Array.from({ length: 21 }, (_, i) =>
      row(tcp, summary(`e${i}`, `app-${String(i).padStart(2, '0')}`, { state: 'exited' })),
    );
    render(many, { isAdmin: false });
    for (const box of await loader.getAllHarnesses(MatCheckboxHarness)) {
      await box.check();
    }
    const merge = await loader.getHarness(MatButtonHarness.with({ text: /Merge logs/ }));
    expect(await merge.getText()).toContain('(21)');
    expect(await merge.isDisabled()).toBe(true);
  });
});
