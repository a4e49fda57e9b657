import { STEADY_STATS_FIELDS, type AgentReport, type AgentSteadyReport } from '@archnest/contracts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentReportPipe } from '../../apps/api/src/container-sources/agents/agent-report.pipe';
import { bashFunction, dryRunReport as report } from './run-agent';

// The agent's delta reports at the jq level; the runs against a server: agent-script.spec.ts.
describe('archnest-docker-agent.sh delta reports (unit, recorded docker output)', () => {
  const work = mkdtempSync(join(tmpdir(), 'archnest-agent-delta-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const digestOf = (value: AgentReport): string => {
    const file = join(work, 'report.json');
    writeFileSync(file, JSON.stringify(value));
    return bashFunction(`inventory_digest <'${file}'`);
  };

  it('digests everything but the stats, the status text and the time', () => {
    const full = report();
    expect(full.inventoryDigest).toMatch(/^[a-f0-9]{64}$/);
    expect(digestOf(full)).toBe(full.inventoryDigest);
    const later = structuredClone(full);
    later.reportedAt = '2030-01-01T00:00:00Z';
    later.containers[0].stats = { ...later.containers[0].stats!, cpuPercent: 99 };
    later.containers[0].status = 'Up 5 hours';
    expect(digestOf(later)).toBe(full.inventoryDigest);
    const changed = structuredClone(full);
    changed.containers[1].state = 'running';
    expect(digestOf(changed)).not.toBe(full.inventoryDigest);
  });

  it('builds a steady report the server accepts, stats in STEADY_STATS_FIELDS order', () => {
    const full = report();
    const file = join(work, 'full.json');
    writeFileSync(file, JSON.stringify(full));
    const steady = JSON.parse(bashFunction(`steady_report '${file}'`)) as AgentSteadyReport;
    expect(new AgentReportPipe().transform(steady)).toEqual(steady);
    const [web] = full.containers;
    expect(steady.containers[0]).toEqual({
      id: web.id.slice(0, 12),
      status: web.status,
      stats: STEADY_STATS_FIELDS.map((field) => web.stats![field]),
    });
    expect(steady).toMatchObject({
      kind: 'steady',
      hostId: full.hostId,
      reportedAt: full.reportedAt,
      inventoryDigest: full.inventoryDigest,
    });
  });
});
