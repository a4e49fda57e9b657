/**
 * A private PostgreSQL 15 cluster owned by the `postgres` system user (initdb refuses root):
 * trust auth, 127.0.0.1 on a free port, its Unix socket in the temp dir, fsync off (test data only).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PostgresInfra, loadInfra } from './infra';
import { chownTo, freePort, isAlive, logTail, readPidFile, run, stopProcess } from './proc';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const PG_OWNER = 'postgres';
export const TEST_DATABASE = 'archnest_test';

function asOwner(tool: string, args: string[]): Promise<string> {
  return run('runuser', ['-u', PG_OWNER, '--', join(PG_BIN, tool), ...args], { timeoutMs: 90_000 });
}

/** Runs initdb in tmpDir/postgres (starts nothing). */
export async function preparePostgres(tmpDir: string): Promise<PostgresInfra> {
  const root = join(tmpDir, 'postgres');
  const pg = {
    dataDir: join(root, 'data'),
    socketDir: join(root, 'sock'),
    logFile: join(root, 'postgres.log'),
  };
  for (const dir of [root, pg.socketDir]) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    await chownTo(dir, PG_OWNER);
  }
  const initdb = ['-D', pg.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C'];
  await asOwner('initdb', [...initdb, '--no-sync']);
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/${TEST_DATABASE}`;
  return { url, host: '127.0.0.1', port, user: 'postgres', database: TEST_DATABASE, ...pg };
}

function serverOptions(pg: PostgresInfra): string {
  return `-p ${pg.port} -k ${pg.socketDir} -c listen_addresses=127.0.0.1 -c fsync=off`;
}

/** Starts the cluster and waits until it accepts connections. */
export async function startPostgres(pg: PostgresInfra = loadInfra().postgres): Promise<void> {
  const args = ['-D', pg.dataDir, '-l', pg.logFile, '-w', '-t', '60', '-o', serverOptions(pg)];
  await asOwner('pg_ctl', [...args, 'start']).catch((err: Error) => {
    throw new Error(`PostgreSQL did not start: ${err.message}\n${logTail(pg.logFile)}`);
  });
}

/** Creates the archnest_test database (once, after the first start). */
export async function createTestDatabase(pg: PostgresInfra): Promise<void> {
  const target = ['-h', pg.host, '-p', String(pg.port), '-U', pg.user];
  await run(join(PG_BIN, 'createdb'), [...target, pg.database]);
}

/** Stops the cluster (`pg_ctl stop -m fast`, SIGKILL of the postmaster as a fallback). */
export async function stopPostgres(pg: PostgresInfra = loadInfra().postgres): Promise<void> {
  const pid = readPidFile(join(pg.dataDir, 'postmaster.pid'));
  if (!pid || !isAlive(pid)) {
    return;
  }
  await asOwner('pg_ctl', ['-D', pg.dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']).catch(
    (err: Error) => console.warn(`pg_ctl stop: ${err.message}`),
  );
  await stopProcess(pid, { graceMs: 5_000, mustReference: pg.dataDir });
}

/** Stops and starts the cluster again (same port, same data). */
export async function restartPostgres(): Promise<void> {
  await stopPostgres();
  await startPostgres();
}
