import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { MatButtonToggleGroupHarness } from '@angular/material/button-toggle/testing';
import { MatPaginatorHarness } from '@angular/material/paginator/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import type { AlertEvent, AlertEventPage } from '@archnest/contracts';
import { AlertEvents } from './alert-events';
import { FiringAlerts } from './firing-alerts';

function event(id: string, fields: Partial<AlertEvent> = {}): AlertEvent {
  return {
    id,
    status: 'firing',
    ruleId: 'r1',
    rule: 'web must run',
    kind: 'container-stopped',
    source: 'docker-tcp',
    hostId: 'h1',
    host: 'edge-1',
    container: 'web',
    message: 'web on edge-1 (docker-tcp) stopped: exited',
    startsAt: '2026-12-07T10:00:00Z',
    endsAt: null,
    deliveries: [],
    ...fields,
  };
}

function page(items: AlertEvent[], fields: Partial<AlertEventPage> = {}): AlertEventPage {
  return { items, total: items.length, page: 1, pageSize: 50, firing: 1, ...fields };
}

describe('AlertEvents', () => {
  let http: HttpTestingController;
  let loader: HarnessLoader;

  async function answer(query: string, reply: AlertEventPage): Promise<void> {
    (
      await vi.waitFor(() =>
        http.expectOne((r) => r.url === '/api/alerts/events' && r.params.toString() === query),
      )
    ).flush(reply);
  }

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([])],
    });
    http = TestBed.inject(HttpTestingController);
    loader = TestbedHarnessEnvironment.loader(TestBed.createComponent(AlertEvents));
  });

  afterEach(() => {
    expect.soft(() => http.verify()).not.toThrow();
  });

  it('lists events with their status, host and deliveries, and sets the badge count', async () => {
    await answer(
      'page=1&pageSize=50',
      page(
        [
          event('e2', {
            deliveries: [
              {
                channelId: 'c1',
                channelName: 'webhook',
                transition: 'firing',
                state: 'failed',
                tries: 3,
                lastError: 'HTTP 500',
                sentAt: null,
                nextAttemptAt: null,
              },
            ],
          }),
          event('e1', { status: 'resolved', container: null, kind: 'host-offline' }),
        ],
        { firing: 4 },
      ),
    );
    const table = await (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();
    expect(table['status'].text).toEqual(['Firing', 'Resolved']);
    expect(table['rule'].text).toEqual([
      'web must run Container stopped',
      'web must run Host offline',
    ]);
    expect(table['host'].text).toEqual(['edge-1 Docker API', 'edge-1 Docker API']);
    expect(table['container'].text).toEqual(['web', '—']);
    expect(table['endsAt'].text).toEqual(['—', '—']);
    expect(table['deliveries'].text).toEqual([
      'webhook: failed after 3 tries: HTTP 500',
      'No channels',
    ]);
    expect(TestBed.inject(FiringAlerts).count()).toBe(4);
  });

  it('filters by status from the first page, and pages with page and pageSize', async () => {
    await answer('page=1&pageSize=50', page([event('e1')], { total: 120 }));
    const paginator = await loader.getHarness(MatPaginatorHarness);
    await paginator.goToNextPage();
    await answer('page=2&pageSize=50', page([event('e0')], { total: 120, page: 2 }));
    expect(await paginator.getRangeLabel()).toBe('51 – 100 of 120');

    const filter = await loader.getHarness(MatButtonToggleGroupHarness);
    const [, firing] = await filter.getToggles();
    await firing.check();
    await answer('page=1&pageSize=50&status=firing', page([], { total: 0, firing: 0 }));
    await vi.waitFor(() => expect(document.body.textContent).toContain('Nothing is firing.'));
  });
});
