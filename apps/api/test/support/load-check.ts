/**
 * After load: whether every agent's last acknowledged report is what the server still answers
 * (nothing lost, nothing torn), and the figures a reliability suite records.
 */
import type { AgentHost, AgentReport, ContainerSummary } from '@archnest/contracts';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { testDatabaseKind } from '../harness/infra';
import type { SimulatedAgent } from './agent-fleet';
import { call, expectedContainers } from './agent-load';

interface LatestCheck {
  hosts: number;
  /** Hosts whose last acknowledged report is missing or older on the server. */
  lost: string[];
  /** Hosts whose stored report differs from what was acknowledged (torn or mixed). */
  torn: string[];
}

/**
 * Compares, for every agent, the last report the server acknowledged with what the read
 * endpoints answer now: the host row (reportedAt, hostname, count) and every container.
 */
export async function checkLatest(
  baseUrl: string,
  token: string,
  agents: readonly SimulatedAgent[],
): Promise<LatestCheck> {
  const list = await call<AgentHost[]>(baseUrl, 'GET', '/api/agents/docker/hosts', { token });
  if (list.status !== 200) {
    throw new Error(`host list answered ${list.status}`);
  }
  const rows = new Map(list.body.map((row) => [row.hostId, row]));
  const result: LatestCheck = { hosts: 0, lost: [], torn: [] };
  const acked = agents.filter((a): a is SimulatedAgent & { acked: AgentReport } => !!a.acked);
  for (let i = 0; i < acked.length; i += 20) {
    await Promise.all(
      acked.slice(i, i + 20).map(async ({ hostId, acked: report }) => {
        result.hosts += 1;
        const row = rows.get(hostId);
        if (!row || row.reportedAt !== report.reportedAt) {
          result.lost.push(`${hostId}: acked ${report.reportedAt}, stored ${row?.reportedAt}`);
          return;
        }
        const containers = await call<ContainerSummary[]>(
          baseUrl,
          'GET',
          `/api/agents/docker/hosts/${hostId}/containers`,
          { token },
        );
        const same =
          row.hostname === report.hostname &&
          row.containerCount === report.containers.length &&
          containers.status === 200 &&
          isDeepStrictEqual(containers.body, expectedContainers(report));
        if (!same) {
          result.torn.push(hostId);
        }
      }),
    );
  }
  return result;
}

/** Adds figures under `<suite>.<sqlite|postgres>` in .test-output/reliability-figures.json. */
export function recordFigures(suite: string, figures: Record<string, unknown>): void {
  const dir = resolve(__dirname, '../../../../.test-output');
  const file = join(dir, 'reliability-figures.json');
  mkdirSync(dir, { recursive: true });
  const all = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
    : {};
  all[`${suite}.${testDatabaseKind()}`] = { ...figures, recordedAt: new Date().toISOString() };
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
  console.log(`${suite} (${testDatabaseKind()}): ${JSON.stringify(figures)}`);
}
