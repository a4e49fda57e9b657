/**
 * Runs that died before their teardown (jest killed, Ctrl-C) leave daemons and a temp dir behind;
 * global-setup.ts reclaims them first. Also runnable by hand:
 *   npx ts-node apps/api/test/harness/stale-runs.ts
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { teardownInfra } from './global-teardown';
import { TMP_PREFIX } from './infra';
import { commandLine, isAlive } from './proc';

interface PreviousRun {
  tmpDir: string;
  /** PID of the jest process that created it (owner.pid), 0 if unknown. */
  ownerPid: number;
}

function ownerOf(tmpDir: string): number {
  const file = join(tmpDir, 'owner.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : 0;
}

/** Temp dirs of earlier runs (`/tmp/archnest-test-*`). */
export function previousRuns(): PreviousRun[] {
  const parent = dirname(TMP_PREFIX);
  const prefix = TMP_PREFIX.slice(parent.length + 1);
  return readdirSync(parent)
    .filter((name) => name.startsWith(prefix))
    .map((name) => join(parent, name))
    .map((tmpDir) => ({ tmpDir, ownerPid: ownerOf(tmpDir) }));
}

/** How long a run waits for another live run on this machine before giving up. */
const LOCK_WAIT_MS = Number(process.env.ARCHNEST_TEST_LOCK_WAIT_MS ?? 15 * 60_000);

function liveOwner(ownerPid: number): boolean {
  // jest runs and `npm run bench` (scripts/bench/docker-ssh-list.mjs) own harness runs.
  return ownerPid > 0 && isAlive(ownerPid) && /jest|bench/.test(commandLine(ownerPid));
}

/** Waits for live runs to finish (one engine at a time), then tears down runs left behind. */
export async function reclaimPreviousRuns(): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let busy = previousRuns().find(({ ownerPid }) => liveOwner(ownerPid));
  while (busy) {
    if (Date.now() > deadline) {
      throw new Error(
        `another integration run (PID ${busy.ownerPid}) owns ${busy.tmpDir}; one at a time`,
      );
    }
    console.log(`[harness] waiting for the run of PID ${busy.ownerPid} to finish`);
    await new Promise((resolve) => setTimeout(resolve, 5000));
    busy = previousRuns().find(({ ownerPid }) => liveOwner(ownerPid));
  }
  for (const { tmpDir } of previousRuns()) {
    console.log(`[harness] cleaning up an earlier run left in ${tmpDir}`);
    await teardownInfra(tmpDir);
  }
}

if (require.main === module) {
  reclaimPreviousRuns().catch((err: Error) => {
    console.error(err.message);
    process.exitCode = 1;
  });
}
