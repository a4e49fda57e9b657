import type { AgentReport } from '@archnest/contracts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Running archnest-docker-agent.sh in the unit tests, on the recorded docker output. */
export const SCRIPT = resolve(__dirname, '../archnest-docker-agent.sh');
export const FIXTURES = resolve(__dirname, 'fixtures');
/** The agent's state dir for these tests (never the real /var/lib/archnest-agent). */
export const STATE_DIR = mkdtempSync(join(tmpdir(), 'archnest-agent-state-'));
afterAll(() => rmSync(STATE_DIR, { recursive: true, force: true }));

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runAgent(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const result = spawnSync('bash', [SCRIPT, ...args], {
    env: {
      PATH: `${FIXTURES}:${process.env.PATH ?? ''}`,
      ARCHNEST_AGENT_ENV_FILE: '/nonexistent',
      ARCHNEST_HOST_ID: 'unit-host',
      ARCHNEST_AGENT_STATE_DIR: STATE_DIR,
      ...env,
    },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function bashFunction(call: string): string {
  const result = spawnSync('bash', ['-c', `source "${SCRIPT}"; ${call}`], { encoding: 'utf8' });
  return result.stdout.trim();
}

/** The report a dry run prints, checked to have run cleanly. */
export function dryRunReport(): AgentReport {
  const run = runAgent(['--dry-run']);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as AgentReport;
}
