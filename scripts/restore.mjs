// Restores a file written by scripts/backup.mjs into the data dir (docs/deploy.md):
//   npm run restore -- <file>             into an empty (or new) data dir
//   npm run restore -- --force <file>     replaces the data of a stopped server
//   node scripts/restore.mjs --force -    the archive from stdin
// Reads ARCHNEST_DATA_DIR (default ./data of the install), like the server.
// Refuses, whatever the flags, while a process has the data dir's SQLite database open: a running
// server always has (see databaseInUse in backup-archive.mjs; checked before and again right
// before the swap). Stop the server first. Every file is checked against the manifest's SHA-256
// and the database with PRAGMA integrity_check before anything in the data dir is replaced; the
// old database's -wal/-shm files are removed so they cannot be replayed onto the restored one.
// Run as root (e.g. for the systemd service's /var/lib/archnest), the restored files are given to
// the owner of the data dir.
// With PostgreSQL (DATABASE_URL) only the secrets are restored: the database comes from
// pg_restore. Exit codes: 0 restored, 1 failed, 2 usage, 3 refused (server running / data present).
import {
  chmodSync,
  chownSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import {
  DATABASE_FILE,
  databaseInUse,
  dataDirFromEnv,
  extractTar,
  FORMAT,
  MANIFEST_FILE,
  memoryStream,
  openDatabase,
  SECRET_FILES,
  UsageError,
  userPath,
} from './backup-archive.mjs';

const USAGE = 'usage: npm run restore -- [--force] <file.tar.gz | ->';
const DATA_FILES = [DATABASE_FILE, ...SECRET_FILES];

class Refused extends Error {}

function log(message) {
  process.stderr.write(`restore: ${message}\n`);
}

async function refuseIfInUse(dataDir) {
  const database = join(dataDir, DATABASE_FILE);
  if (existsSync(database) && (await databaseInUse(database))) {
    throw new Refused(
      `${database} is open in another process: a server is running on this data dir. Stop it first (systemctl stop archnest / docker compose stop archnest).`,
    );
  }
}

/** Unpacks into `staging`, checking every file against the manifest. */
async function unpack(source, staging) {
  const manifestStream = memoryStream();
  const entries = await extractTar(source, (name, size) => {
    if (name === MANIFEST_FILE) {
      return size < 1 << 20 ? manifestStream : null;
    }
    return DATA_FILES.includes(name)
      ? createWriteStream(join(staging, name), { mode: 0o600 })
      : null;
  });
  let manifest;
  try {
    manifest = JSON.parse(manifestStream.text());
  } catch {
    throw new Error(`the archive has no readable ${MANIFEST_FILE}: not a backup of ArchNest`);
  }
  if (manifest.format !== FORMAT || !Array.isArray(manifest.files)) {
    throw new Error('the archive is not a backup of ArchNest (unknown manifest)');
  }
  const found = new Map(entries.map((entry) => [entry.name, entry]));
  for (const file of manifest.files) {
    const entry = found.get(file.name);
    if (!entry || entry.size !== file.size || entry.sha256 !== file.sha256) {
      throw new Error(`${file.name} in the archive does not match its manifest (damaged?)`);
    }
  }
  return manifest;
}

async function checkDatabase(file) {
  const db = await openDatabase(file);
  try {
    const check = await db.all('PRAGMA integrity_check');
    if (check.length !== 1 || check[0].integrity_check !== 'ok') {
      throw new Error(
        `the restored database fails PRAGMA integrity_check: ${JSON.stringify(check)}`,
      );
    }
  } finally {
    await db.close();
  }
}

async function restore(target, force, env) {
  const dataDir = dataDirFromEnv(env);
  const fromStdin = target === '-';
  const input = fromStdin ? null : userPath(target, env);
  if (input && !existsSync(input)) {
    throw new UsageError(`${input} does not exist`);
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  await refuseIfInUse(dataDir);
  const present = DATA_FILES.filter((name) => existsSync(join(dataDir, name)));
  if (present.length > 0 && !force) {
    throw new Refused(
      `${dataDir} already holds ${present.join(', ')}; with the server stopped, pass --force to replace them`,
    );
  }

  const staging = join(dataDir, `.restore-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { mode: 0o700 });
  try {
    const source = (fromStdin ? process.stdin : createReadStream(input)).pipe(createGunzip());
    const manifest = await unpack(source, staging);
    const names = manifest.files.map((file) => file.name);
    if (names.includes(DATABASE_FILE)) {
      await checkDatabase(join(staging, DATABASE_FILE));
    }
    if (env.DATABASE_URL && names.includes(DATABASE_FILE)) {
      log('DATABASE_URL is set: the server will not read the restored SQLite database');
    }

    // A server may have started meanwhile: ask again, then swap quickly.
    await refuseIfInUse(dataDir);
    if (names.includes(DATABASE_FILE)) {
      for (const suffix of ['-wal', '-shm', '-journal']) {
        rmSync(join(dataDir, `${DATABASE_FILE}${suffix}`), { force: true });
      }
    }
    // Run as root (e.g. for the systemd service), the files go to the data dir's owner.
    const owner = statSync(dataDir);
    for (const name of names) {
      chmodSync(join(staging, name), 0o600);
      if (process.getuid?.() === 0) {
        chownSync(join(staging, name), owner.uid, owner.gid);
      }
      renameSync(join(staging, name), join(dataDir, name));
    }
    for (const name of SECRET_FILES.filter((secret) => !names.includes(secret))) {
      log(`${name} is not in the backup (it came from the environment?): set it as before`);
    }
    log(
      `${dataDir}: ${names.join(', ')} from the backup of ${manifest.createdAt} (version ${manifest.appVersion}, ${manifest.migrations?.length ?? 0} migrations); start the server`,
    );
    if (!names.includes(DATABASE_FILE)) {
      log('this backup holds no database (PostgreSQL): restore it with pg_restore');
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function main(args) {
  const force = args.includes('--force');
  const files = args.filter((arg) => arg !== '--force' && arg !== '--');
  if (files.length !== 1 || files[0] === '-h' || files[0] === '--help') {
    throw new UsageError(USAGE);
  }
  await restore(files[0], force, process.env);
}

main(process.argv.slice(2)).catch((error) => {
  log(error instanceof Error ? error.message : String(error));
  process.exit(error instanceof UsageError ? 2 : error instanceof Refused ? 3 : 1);
});
