/**
 * Storage down or full under the built API process (issue 7): 503 with Retry-After (never a 500
 * or a hang), nothing acknowledged lost or half-written, and recovery without restarting the API.
 * PostgreSQL stopped and started runs on the postgres project, the SQLite data dir on a full file
 * system on the sqlite one. Engine and sshd faults: docker-tcp-faults, docker-ssh-faults.
 */
import type { ContainerSummary } from '@archnest/contracts';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadInfra, testDatabaseKind } from '../harness/infra';
import { startPostgres, stopPostgres } from '../harness/postgres';
import { run, waitFor } from '../harness/proc';
import { AgentFleet } from '../support/agent-fleet';
import {
  call,
  expectedContainers,
  LOAD_AGENT_TOKEN,
  loadReport,
  seedUsersOver,
  startApiUnderTest,
  type ApiUnderTest,
} from '../support/agent-load';
import { runAgentScript, type AgentRun } from '../support/agent-script';
import { startApiProcess, type ApiProcess } from '../support/api-process';
import { fillUp, ingest, RETRY_AFTER, unexpected } from '../support/faults';
import { checkLatest, recordFigures } from '../support/load-check';
import { Readers } from '../support/load-readers';

if (testDatabaseKind() === 'postgres') {
  describe('reliability faults: PostgreSQL restarted under load', () => {
    let server: ApiUnderTest;
    let postgresDown = false;
    beforeAll(async () => {
      server = await startApiUnderTest();
    });
    afterAll(async () => {
      if (postgresDown) {
        await startPostgres();
      }
      await server?.close();
    });

    it('answers 503 with Retry-After while it is down, then works again without an API restart', async () => {
      const { baseUrl } = server.api;
      const { member } = await seedUsersOver(baseUrl);
      const fleet = new AgentFleet(baseUrl, 30, 'pg-restart');
      const readers = new Readers(baseUrl, member, 2, fleet);
      fleet.start();
      readers.start();
      await fleet.everyAgentAcked();

      postgresDown = true;
      await stopPostgres();
      let down: Record<string, unknown>;
      try {
        const write = await ingest(baseUrl, 'probe', 1);
        const read = await call(baseUrl, 'GET', '/api/agents/docker/hosts', { token: member });
        down = {
          write: [write.status, write.headers.get('retry-after'), write.body.message],
          read: [read.status, read.headers.get('retry-after')],
        };
        await waitFor('the load to meet the stopped database', () =>
          fleet.tally.outcomes.some((o) => o.status === 503),
        );
      } finally {
        await startPostgres();
        postgresDown = false;
      }
      expect(down).toEqual({
        write: [503, RETRY_AFTER, expect.stringMatching(/temporarily unavailable/) as string],
        read: [503, RETRY_AFTER],
      });

      // The same process recovers: the pool reconnects on its own.
      await waitFor('ingest to succeed again', async () => {
        return (await ingest(baseUrl, 'probe', 2)).status === 200;
      });
      const recoveredAt = Date.now();
      await waitFor(
        'requests after recovery',
        () => fleet.tally.outcomes.filter((o) => o.sentAt > recoveredAt).length >= 50,
      );
      await Promise.all([fleet.stop(), readers.stop()]);

      const all = [...fleet.tally.outcomes, ...readers.tally.outcomes];
      const after = all.filter((o) => o.sentAt > recoveredAt);
      const latest = await checkLatest(baseUrl, member, fleet.agents);
      recordFigures('faults.postgres-restart', {
        requests: all.length,
        outcomes: { reports: fleet.tally.summary(), reads: readers.tally.summary() },
        answered503: all.filter((o) => o.status === 503).length,
        other5xx: all.filter((o) => (o.status ?? 0) >= 500 && o.status !== 503).length,
        reportsLost: latest.lost.length,
        reportsTorn: latest.torn.length,
      });
      // Only 200 or 503-with-Retry-After, every request answered (no 500, no hang, no reset);
      // after recovery only 200; the process never restarted.
      expect(unexpected(all, [200, 503])).toEqual([]);
      expect(unexpected(after, [200])).toEqual([]);
      expect(all.some((o) => o.status === 503)).toBe(true);
      expect(server.api.output()).not.toMatch(/API exited|Unhandled error/);
      expect(latest).toEqual({ hosts: 30, lost: [], torn: [] });
    }, 120_000);
  });
}

function runAgent(baseUrl: string, hostId: string): Promise<AgentRun> {
  return runAgentScript({
    ARCHNEST_URL: baseUrl,
    ARCHNEST_AGENT_TOKEN: LOAD_AGENT_TOKEN,
    ARCHNEST_HOST_ID: hostId,
  });
}

if (testDatabaseKind() === 'sqlite') {
  describe('reliability faults: the SQLite data dir on a full file system', () => {
    let mountPoint: string;
    let mounted = false;
    let api: ApiProcess | undefined;

    beforeAll(async () => {
      // Under the harness's temp dir, so its teardown unmounts it if this file dies.
      mountPoint = mkdtempSync(join(loadInfra().tmpDir, 'full-fs-'));
      await run('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', mountPoint]);
      mounted = true;
      mkdirSync(join(mountPoint, 'data'), { mode: 0o700 });
    });
    afterAll(async () => {
      await api?.stop();
      if (mounted) {
        await run('umount', [mountPoint]);
      }
      rmSync(mountPoint, { recursive: true, force: true });
    });

    it('answers 503 with Retry-After, keeps the previous report whole, and recovers once space returns', async () => {
      api = await startApiProcess({
        ARCHNEST_DATA_DIR: join(mountPoint, 'data'),
        ARCHNEST_AGENT_TOKEN: LOAD_AGENT_TOKEN,
      });
      const { baseUrl } = api;
      const { member } = await seedUsersOver(baseUrl);
      const read = (path: string) =>
        call<ContainerSummary[]>(baseUrl, 'GET', path, { token: member });
      const containersOf = '/api/agents/docker/hosts/full-disk/containers';
      expect((await ingest(baseUrl, 'full-disk', 1, 2)).status).toBe(200);

      const filler = fillUp(mountPoint);
      // 300 containers: far more than the WAL holds already, so the write needs new blocks.
      const refused = await ingest(baseUrl, 'full-disk', 2, 300);
      const again = await ingest(baseUrl, 'other-host', 1, 300);
      const agentRun = await runAgent(baseUrl, 'full-disk');
      const whileFull = await read(containersOf);
      rmSync(filler);

      expect([refused.status, refused.headers.get('retry-after')]).toEqual([503, RETRY_AFTER]);
      expect(refused.body.message).toMatch(/temporarily unavailable/);
      expect([again.status, again.headers.get('retry-after')]).toEqual([503, RETRY_AFTER]);
      // The agent says what happened and exits non-zero; its next run succeeds (below).
      expect(agentRun.code).toBe(5);
      expect(agentRun.stderr).toContain('server is temporarily unavailable (503)');
      // Nothing half-written: the previous report reads back whole, and reads kept working.
      expect(whileFull.status).toBe(200);
      expect(whileFull.body).toEqual(expectedContainers(loadReport('full-disk', 1, 2)));

      const recovered = await ingest(baseUrl, 'full-disk', 3, 300);
      expect(recovered.status).toBe(200);
      expect((await read(containersOf)).body).toEqual(
        expectedContainers(loadReport('full-disk', 3, 300)),
      );
      expect((await runAgent(baseUrl, 'agent-after-full')).code).toBe(0);
      expect(api.output()).not.toMatch(/Unhandled error/);
      recordFigures('faults.disk-full', {
        tmpfs: '4m',
        refusedWith: [refused.status, refused.headers.get('retry-after')],
        previousReportIntact: true,
        recoveredWith: recovered.status,
      });
    }, 120_000);
  });
}
