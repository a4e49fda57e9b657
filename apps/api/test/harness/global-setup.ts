/**
 * jest globalSetup: starts the real infrastructure the integration tests run against, under one
 * fresh temp dir: a private dockerd with the busybox test image, two sshd servers (jump + target)
 * and a PostgreSQL cluster. Writes their coordinates to <tmp>/infra.json and points
 * ARCHNEST_TEST_INFRA at it (workers inherit it; read it with loadInfra()). Fails loudly.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockerInfraFor, startDockerd } from './docker-engine';
import { buildTestImage } from './test-image';
import { teardownInfra } from './global-teardown';
import { INFRA_ENV, TMP_PREFIX, infraFile, saveInfra, updateInfra } from './infra';
import { createTestDatabase, preparePostgres, startPostgres } from './postgres';
import { prepareSsh, startSshd } from './ssh-servers';
import { reclaimPreviousRuns } from './stale-runs';

function errorText(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

/** Waits for every task (so none runs on unobserved), then throws all their failures at once. */
async function settleAll(tasks: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(tasks);
  const reasons = results.flatMap((r) => (r.status === 'rejected' ? [errorText(r.reason)] : []));
  if (reasons.length > 0) {
    throw new Error(reasons.join('\n\n'));
  }
}

async function startAll(tmpDir: string): Promise<void> {
  const preparing = { ssh: prepareSsh(tmpDir), postgres: preparePostgres(tmpDir) };
  await settleAll(Object.values(preparing));
  const [ssh, postgres] = [await preparing.ssh, await preparing.postgres];
  const docker = dockerInfraFor(tmpDir);
  saveInfra({ tmpDir, ownerPid: process.pid, setupMs: 0, docker, ssh, postgres });
  await settleAll([
    startDockerd().then(() => buildTestImage()),
    startSshd('jump'),
    startSshd('target'),
    startPostgres().then(() => createTestDatabase(postgres)),
  ]);
}

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  await reclaimPreviousRuns();
  const tmpDir = mkdtempSync(TMP_PREFIX);
  chmodSync(tmpDir, 0o711); // the postgres and archnest-test users must reach their files
  writeFileSync(join(tmpDir, 'owner.pid'), `${process.pid}\n`);
  process.env[INFRA_ENV] = infraFile(tmpDir);
  try {
    await startAll(tmpDir);
  } catch (err) {
    await teardownInfra(tmpDir).catch((e: Error) => console.error(e.message));
    delete process.env[INFRA_ENV];
    throw err;
  }
  const infra = updateInfra((i) => void (i.setupMs = Date.now() - started));
  console.log(`\n[harness] infrastructure up in ${infra.setupMs} ms under ${tmpDir}`);
}
