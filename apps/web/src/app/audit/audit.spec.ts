import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatPaginatorHarness } from '@angular/material/paginator/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import type { AuditEntry, Page } from '@archnest/contracts';
import { Audit } from './audit';

function entry(id: number): AuditEntry {
  return {
    id,
    at: '2026-06-20T19:30:00Z',
    actor: 'alice',
    action: `user.create #${id}`,
    target: 'bob',
    result: 'success',
    detail: null,
  };
}

function page(pageNumber: number, pageSize: number, total: number): Page<AuditEntry> {
  const first = (pageNumber - 1) * pageSize;
  const count = Math.max(0, Math.min(pageSize, total - first));
  return {
    items: Array.from({ length: count }, (_, i) => entry(total - first - i)),
    total,
    page: pageNumber,
    pageSize,
  };
}

describe('Audit', () => {
  let httpTesting: HttpTestingController;
  let loader: HarnessLoader;

  async function expectPageRequest(pageNumber: number, pageSize: number) {
    const request = await vi.waitFor(() => httpTesting.expectOne((r) => r.url === '/api/audit'));
    expect(request.request.params.get('page')).toBe(String(pageNumber));
    expect(request.request.params.get('pageSize')).toBe(String(pageSize));
    return request;
  }

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    httpTesting = TestBed.inject(HttpTestingController);
    loader = TestbedHarnessEnvironment.loader(TestBed.createComponent(Audit));
  });

  // Soft, so a leftover request fails this test without skipping Angular's TestBed teardown.
  afterEach(() => expect.soft(() => httpTesting.verify()).not.toThrow());

  it('shows the first page in the order the server sends (newest first)', async () => {
    (await expectPageRequest(1, 50)).flush(page(1, 50, 60));

    const actions = (await (await loader.getHarness(MatTableHarness)).getCellTextByColumnName())[
      'action'
    ].text;
    expect(actions).toHaveLength(50);
    expect(actions[0]).toBe('user.create #60');
    expect(await (await loader.getHarness(MatPaginatorHarness)).getRangeLabel()).toBe(
      '1 – 50 of 60',
    );
  });

  it('asks the server for the next page', async () => {
    (await expectPageRequest(1, 50)).flush(page(1, 50, 60));

    await (await loader.getHarness(MatPaginatorHarness)).goToNextPage();
    (await expectPageRequest(2, 50)).flush(page(2, 50, 60));

    const actions = (await (await loader.getHarness(MatTableHarness)).getCellTextByColumnName())[
      'action'
    ].text;
    expect(actions).toEqual(Array.from({ length: 10 }, (_, i) => `user.create #${10 - i}`));
  });
});
