/**
 * jest globalTeardown: stops everything global-setup.ts started and removes every trace of it
 * (processes, mounts, cgroups, bridges, the test user, the temp dir). Throws if anything leaked.
 */
import { existsSync, rmSync } from 'node:fs';
import { teardownDockerd } from './docker-engine';
import { mountsUnder, unmountUnder } from './host-cleanup';
import { INFRA_ENV, TestInfra, infraFile, loadInfra } from './infra';
import { stopPostgres } from './postgres';
import { descendants, isAlive, killAll, pidsReferencing } from './proc';
import { SSH_USER, removeTestUser, teardownSsh, testUserExists } from './ssh-servers';

function readState(tmpDir: string): TestInfra | undefined {
  const file = infraFile(tmpDir);
  return existsSync(file) ? loadInfra(file) : undefined;
}

async function stopServices(infra: TestInfra | undefined, errors: string[]): Promise<void> {
  const step = (name: string, work: Promise<void>): Promise<void> =>
    work.catch((err: Error) => void errors.push(`${name}: ${err.message}`));
  await Promise.all([
    step('dockerd', infra ? teardownDockerd(infra.docker) : Promise.resolve()),
    step('sshd', infra ? teardownSsh(infra.ssh) : removeTestUser()),
    step('postgres', infra ? stopPostgres(infra.postgres) : Promise.resolve()),
  ]);
}

/** Whatever still references tmpDir (or descends from it) is ours: SIGKILL it. */
async function killStragglers(tmpDir: string): Promise<void> {
  const pids = pidsReferencing(tmpDir);
  await killAll([...new Set([...descendants(pids), ...pids])].filter(isAlive));
}

function leaks(tmpDir: string): string[] {
  const found: string[] = [];
  const pids = pidsReferencing(tmpDir).filter(isAlive);
  if (pids.length > 0) {
    found.push(`processes still running: ${pids.join(', ')}`);
  }
  if (mountsUnder(tmpDir).length > 0) {
    found.push(`mounts left: ${mountsUnder(tmpDir).join(', ')}`);
  }
  if (existsSync(tmpDir)) {
    found.push(`${tmpDir} still exists`);
  }
  if (testUserExists()) {
    found.push(`user ${SSH_USER} still exists`);
  }
  return found;
}

/** Tears down one harness run (also used for runs that crashed before their teardown). */
export async function teardownInfra(tmpDir: string): Promise<void> {
  const errors: string[] = [];
  await stopServices(readState(tmpDir), errors);
  await killStragglers(tmpDir).catch((err: Error) => void errors.push(err.message));
  await unmountUnder(tmpDir);
  if (mountsUnder(tmpDir).length === 0) {
    rmSync(tmpDir, { recursive: true, force: true });
  }
  errors.push(...leaks(tmpDir));
  if (errors.length > 0) {
    throw new Error(`test infrastructure teardown:\n${errors.join('\n')}`);
  }
}

export default async function globalTeardown(): Promise<void> {
  const file = process.env[INFRA_ENV];
  if (!file) {
    return;
  }
  const started = Date.now();
  await teardownInfra(loadInfra(file).tmpDir);
  console.log(`\n[harness] teardown took ${Date.now() - started} ms`);
}
