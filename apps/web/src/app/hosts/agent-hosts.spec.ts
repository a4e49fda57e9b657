import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { Clipboard } from '@angular/cdk/clipboard';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import type { AgentHost } from '@archnest/contracts';
import { AgentHosts } from './agent-hosts';
import { answerHostTrends, history, hostTrendUrl, point } from '../metrics/testing';

const reporting: AgentHost = {
  hostId: 'proxmox-vm-1',
  hostname: 'docker01',
  agentVersion: '1',
  reportedAt: new Date(Date.now() - 120_000).toISOString(),
  receivedAt: new Date(Date.now() - 120_000).toISOString(),
  containerCount: 4,
  stale: true,
};

describe('AgentHosts', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<AgentHosts>;
  let loader: HarnessLoader;
  let copied: string[];

  beforeEach(async () => {
    copied = [];
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: Clipboard, useValue: { copy: (text: string) => copied.push(text) > 0 } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(AgentHosts);
    loader = TestbedHarnessEnvironment.loader(fixture);
    (await vi.waitFor(() => http.expectOne('/api/agents/docker/hosts'))).flush([reporting]);
  });

  afterEach(() => {
    answerHostTrends(http);
    expect.soft(() => http.verify()).not.toThrow();
  });

  it('lists agent hosts with their last report and staleness', async () => {
    const cells = await (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();
    expect(cells['hostId'].text).toEqual(['proxmox-vm-1']);
    expect(cells['status'].text).toEqual(['Stale']);
    expect(cells['receivedAt'].text).toEqual(['2 min ago']);
    expect(cells['containers'].text).toEqual(['4']);
  });

  it("shows each agent host's last hour in its row", async () => {
    (await vi.waitFor(() => http.expectOne(hostTrendUrl('agent', 'proxmox-vm-1')))).flush(
      history([point(0, 12.5)]),
    );
    const table = await loader.getHarness(MatTableHarness);
    await vi.waitFor(async () =>
      expect((await table.getCellTextByColumnName())['trend'].text[0]).toMatch(
        /^CPU 12\.5 %\s*Mem 50\.0 MiB\s*Running 2$/,
      ),
    );
  });

  it('copies an install snippet for the host id typed, without any token', async () => {
    await (await loader.getHarness(MatInputHarness)).setValue('edge-7');
    await (await loader.getHarness(MatButtonHarness.with({ text: /Copy/ }))).click();

    expect(copied).toHaveLength(1);
    const snippet = copied[0];
    expect(snippet).toContain(`ARCHNEST_URL=${location.origin}`);
    expect(snippet).toContain('ARCHNEST_HOST_ID=edge-7');
    expect(snippet).toContain("ARCHNEST_AGENT_TOKEN=<the server's ARCHNEST_AGENT_TOKEN>");
    expect(snippet).toContain('systemctl enable --now archnest-docker-agent.timer');
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('ARCHNEST_HOST_ID=edge-7');
  });
});
