// Online backup of a data dir into one file, while the server runs (docs/deploy.md):
//   npm run backup -- <file>          e.g. npm run backup -- /var/backups/archnest-$(date +%F).tar.gz
//   node scripts/backup.mjs -         the archive on stdout (docker compose exec -T … > file)
// Reads ARCHNEST_DATA_DIR (default ./data of the install) and DATABASE_URL, like the server.
// The archive (gzip'ed tar, mode 0600: it holds the secrets) contains
//   archnest.sqlite        a consistent snapshot (SQLite VACUUM INTO, one read transaction: the
//                          server keeps writing meanwhile), checked with PRAGMA integrity_check
//   jwt-secret secret-key  the generated secrets, when the data dir holds them
//   archnest-backup.json   the manifest: version, time, migrations, SHA-256 of every file
// With DATABASE_URL (PostgreSQL) only the secrets are archived: dump the database with pg_dump.
// Exit codes: 0 written, 1 failed, 2 usage.
import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import {
  appVersion,
  DATABASE_FILE,
  dataDirFromEnv,
  FORMAT,
  FORMAT_VERSION,
  MANIFEST_FILE,
  openDatabase,
  SECRET_FILES,
  TarWriter,
  UsageError,
  userPath,
} from './backup-archive.mjs';

const USAGE = 'usage: npm run backup -- <file.tar.gz | ->';

function log(message) {
  process.stderr.write(`backup: ${message}\n`);
}

/** A consistent copy of the live database next to it (same file system, so space is known). */
async function snapshotDatabase(database, snapshot) {
  const db = await openDatabase(database);
  try {
    // The server may hold the write lock for a moment; wait for it rather than fail.
    await db.run('PRAGMA busy_timeout = 30000');
    await db.run('VACUUM INTO ?', [snapshot]);
  } finally {
    await db.close();
  }
  const copy = await openDatabase(snapshot);
  try {
    const check = await copy.all('PRAGMA integrity_check');
    if (check.length !== 1 || check[0].integrity_check !== 'ok') {
      throw new Error(`the snapshot fails PRAGMA integrity_check: ${JSON.stringify(check)}`);
    }
    const migrations = await copy.all('SELECT name FROM migrations ORDER BY id').catch(() => []);
    const counts = {};
    for (const table of ['users', 'docker_agent_reports']) {
      const rows = await copy.all(`SELECT count(*) AS n FROM ${table}`).catch(() => null);
      if (rows) {
        counts[table] = rows[0].n;
      }
    }
    return { migrations: migrations.map((row) => row.name), counts };
  } finally {
    await copy.close();
  }
}

async function backup(target, env) {
  const dataDir = dataDirFromEnv(env);
  const postgres = Boolean(env.DATABASE_URL);
  const database = join(dataDir, DATABASE_FILE);
  if (!postgres && !existsSync(database)) {
    throw new UsageError(
      `no database at ${database}: is ARCHNEST_DATA_DIR the server's data dir? (it is created at the first start)`,
    );
  }
  const toStdout = target === '-';
  const output = toStdout ? null : userPath(target, env);
  const partial = output ? join(dirname(output), `.${basename(output)}.partial`) : null;
  const snapshot = join(dataDir, `.backup-${process.pid}.sqlite`);
  const started = Date.now();
  try {
    const manifest = {
      format: FORMAT,
      formatVersion: FORMAT_VERSION,
      appVersion: appVersion(),
      createdAt: new Date().toISOString(),
      host: hostname(),
      dataDir,
      database: postgres ? 'postgres (not included: use pg_dump)' : 'sqlite',
      migrations: [],
      counts: {},
      files: [],
    };
    if (!postgres) {
      rmSync(snapshot, { force: true });
      Object.assign(manifest, await snapshotDatabase(database, snapshot));
    }
    const gzip = createGzip({ level: 6 });
    const sink = toStdout ? process.stdout : createWriteStream(partial, { mode: 0o600 });
    const written = pipeline(gzip, sink, { end: !toStdout });
    written.catch(() => undefined); // awaited below; a sink error also fails the next write
    const tar = new TarWriter(gzip);
    if (!postgres) {
      manifest.files.push(await tar.addFile(DATABASE_FILE, snapshot));
    }
    for (const name of SECRET_FILES) {
      const file = join(dataDir, name);
      if (existsSync(file)) {
        manifest.files.push(await tar.addFile(name, file));
      } else {
        log(
          `${name} is not in ${dataDir} (set through the environment?): keep that value safe too`,
        );
      }
    }
    await tar.addBuffer(MANIFEST_FILE, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
    await tar.end();
    await written;
    if (!toStdout) {
      renameSync(partial, output);
    }
    const what = manifest.files.map((f) => `${f.name} (${f.size} B)`).join(', ');
    log(`${toStdout ? 'stdout' : output}: ${what} in ${Date.now() - started} ms`);
    if (postgres) {
      log('DATABASE_URL is set: the database is not in this file; back it up with pg_dump');
    }
  } catch (error) {
    if (partial) {
      rmSync(partial, { force: true });
    }
    throw error;
  } finally {
    rmSync(snapshot, { force: true });
  }
}

async function main(args) {
  const files = args.filter((arg) => arg !== '--');
  if (files.length !== 1 || files[0] === '-h' || files[0] === '--help') {
    throw new UsageError(USAGE);
  }
  await backup(files[0], process.env);
}

main(process.argv.slice(2)).catch((error) => {
  log(error instanceof Error ? error.message : String(error));
  process.exit(error instanceof UsageError ? 2 : 1);
});
