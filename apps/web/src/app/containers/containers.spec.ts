import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import type { ContainerHost } from '@archnest/contracts';
import { Containers } from './containers';

const agentHost: ContainerHost = {
  source: 'agent',
  hostId: 'proxmox-vm-1',
  name: 'docker01',
  status: 'stale',
  containerCount: 4,
  capabilities: ['inspect', 'stats'],
  lastSeenAt: null,
};

describe('Containers', () => {
  let httpTesting: HttpTestingController;
  let fixture: ComponentFixture<Containers>;
  let loader: HarnessLoader;

  function text(): string {
    fixture.detectChanges();
    return (fixture.nativeElement as HTMLElement).textContent ?? '';
  }

  async function flushHosts(hosts: ContainerHost[]): Promise<void> {
    (await vi.waitFor(() => httpTesting.expectOne('/api/containers/hosts'))).flush(hosts);
  }

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    httpTesting = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(Containers);
    loader = TestbedHarnessEnvironment.loader(fixture);
  });

  // Soft, so a leftover request fails this test without skipping Angular's TestBed teardown.
  afterEach(() => expect.soft(() => httpTesting.verify()).not.toThrow());

  it('lists the hosts of every source', async () => {
    await flushHosts([agentHost]);

    const rows = await (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();
    expect(rows['name'].text).toEqual(['docker01']);
    expect(rows['source'].text).toEqual(['Agent']);
    expect(rows['status'].text).toEqual(['Stale']);
    expect(rows['containerCount'].text).toEqual(['4']);
    expect(rows['lastSeenAt'].text).toEqual(['—']);
  });

  it('explains how to add a host when there is none', async () => {
    await flushHosts([]);

    await vi.waitFor(() =>
      expect(text()).toContain(
        'No hosts yet — add a Docker host, an SSH target or install the agent',
      ),
    );
    expect(await loader.getAllHarnesses(MatTableHarness)).toHaveLength(0);
  });

  it('shows a failure and retries', async () => {
    (await vi.waitFor(() => httpTesting.expectOne('/api/containers/hosts'))).flush(
      { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' },
      { status: 500, statusText: 'Internal Server Error' },
    );
    await vi.waitFor(() => expect(text()).toContain('Could not load the hosts'));

    await (await loader.getHarness(MatButtonHarness.with({ text: 'Retry' }))).click();
    await flushHosts([agentHost]);

    expect(await loader.getAllHarnesses(MatTableHarness)).toHaveLength(1);
  });
});
