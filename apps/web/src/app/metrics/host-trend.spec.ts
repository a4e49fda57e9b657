import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { HostTrend } from './host-trend';
import { MIB, history, hostTrendUrl, point } from './testing';

describe('HostTrend (the host sparklines)', () => {
  let http: HttpTestingController;
  let fixture: ComponentFixture<HostTrend>;

  const url = hostTrendUrl('docker-ssh', 't1');
  const element = () => fixture.nativeElement as HTMLElement;
  const sparklines = () => Array.from(element().querySelectorAll('svg'));

  function render(): void {
    fixture = TestBed.createComponent(HostTrend);
    fixture.componentRef.setInput('source', 'docker-ssh');
    fixture.componentRef.setInput('hostId', 't1');
  }

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => expect.soft(() => http.verify()).not.toThrow());

  it("draws the host's CPU, memory and running containers of the last hour", async () => {
    render();
    (await vi.waitFor(() => http.expectOne(url))).flush(
      history([
        { ...point(0, 10), memUsage: 100 * MIB },
        { ...point(1, 20), memUsage: 120 * MIB },
        point(2, null),
        { ...point(3, 15), memUsage: 130 * MIB, running: 3 },
      ]),
    );

    await vi.waitFor(() => expect(sparklines()).toHaveLength(3));
    expect(sparklines().map((svg) => svg.getAttribute('aria-label'))).toEqual([
      'CPU over the last hour, now 15.0 %',
      'Memory over the last hour, now 130.0 MiB',
      'Running containers over the last hour, now 3',
    ]);
    // Two runs of points either side of the gap: two moves, the second a lone dot.
    const cpuPath = sparklines()[0].querySelector('path')!.getAttribute('d')!;
    expect(cpuPath.match(/M/g)).toHaveLength(2);
    expect(cpuPath).toContain('h0.01');
    expect(element().textContent).toContain('CPU 15.0 %');
    expect(element().textContent).toContain('Mem 130.0 MiB');
    expect(element().textContent).toContain('Running 3');
  });

  it('asks once a minute at most for the same host', async () => {
    render();
    (await vi.waitFor(() => http.expectOne(url))).flush(history([point(0, 10)]));
    await vi.waitFor(() => expect(sparklines()).toHaveLength(3));

    render(); // a second sparkline of the same host, e.g. on the Hosts page
    await vi.waitFor(() => expect(sparklines()).toHaveLength(3));
    http.expectNone(url);
  });

  it('says there is no history when the route fails, and why on hover', async () => {
    render();
    (await vi.waitFor(() => http.expectOne(url))).flush(
      { statusCode: 404, message: 'No such host: t1' },
      { status: 404, statusText: 'Not Found' },
    );
    await vi.waitFor(() => expect(element().textContent).toContain('No history'));
    expect(element().querySelector('[title]')!.getAttribute('title')).toBe('No such host: t1');
    expect(sparklines()).toHaveLength(0);
  });
});
