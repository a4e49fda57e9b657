// What scripts/backup.mjs and scripts/restore.mjs share: where the data lives, the archive format
// (a gzip'ed POSIX ustar file, readable with `tar -tzvf`), and the SQLite probe that tells whether
// a server has the database open. No dependency beyond node and the sqlite3 the server uses.
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The files of a data dir that a backup holds, as named there and in the archive. */
export const DATABASE_FILE = 'archnest.sqlite';
export const SECRET_FILES = ['jwt-secret', 'secret-key'];
export const MANIFEST_FILE = 'archnest-backup.json';
export const FORMAT = 'archnest-backup';
export const FORMAT_VERSION = 1;

const BLOCK = 512;

export class UsageError extends Error {}

/** The data dir exactly as the server finds it: ARCHNEST_DATA_DIR, else ./data of the install. */
export function dataDirFromEnv(env = process.env) {
  const configured = env.ARCHNEST_DATA_DIR || './data';
  return isAbsolute(configured) ? configured : resolve(ROOT, configured);
}

/** A path the user typed: relative to where they ran `npm run …` (INIT_CWD), else to cwd. */
export function userPath(path, env = process.env) {
  return resolve(env.INIT_CWD || process.cwd(), path);
}

export function appVersion() {
  try {
    return JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The sqlite3 module of the install (the same build the server loads). */
export function loadSqlite3() {
  return createRequire(resolve(ROOT, 'package.json'))('sqlite3');
}

/** Opens a database with the sqlite3 callback API wrapped in promises. */
export async function openDatabase(file, mode) {
  const sqlite3 = loadSqlite3();
  const db = await new Promise((done, fail) => {
    const handle = new sqlite3.Database(file, mode ?? sqlite3.OPEN_READWRITE, (error) =>
      error ? fail(error) : done(handle),
    );
  });
  return {
    run: (sql, params = []) =>
      new Promise((done, fail) => db.run(sql, params, (error) => (error ? fail(error) : done()))),
    all: (sql, params = []) =>
      new Promise((done, fail) =>
        db.all(sql, params, (error, rows) => (error ? fail(error) : done(rows))),
      ),
    close: () => new Promise((done, fail) => db.close((error) => (error ? fail(error) : done()))),
  };
}

/**
 * True when another process has the SQLite database open, as the server always has while it runs.
 * In WAL mode every open connection keeps a SHARED lock on the database file for as long as it
 * is open; a connection in exclusive locking mode cannot start a transaction while any such lock
 * exists (SQLITE_BUSY). A server that was killed holds no lock, so a stale database is not
 * mistaken for a running one (unlike a PID file), and the probe works across containers that
 * share the volume. Only a database that is not in use is touched (and left as it was).
 */
export async function databaseInUse(file) {
  const db = await openDatabase(file);
  try {
    await db.run('PRAGMA busy_timeout = 0');
    await db.run('PRAGMA locking_mode = EXCLUSIVE');
    await db.run('BEGIN EXCLUSIVE');
    await db.run('ROLLBACK');
    return false;
  } catch (error) {
    if (error && (error.code === 'SQLITE_BUSY' || error.code === 'SQLITE_LOCKED')) {
      return true;
    }
    throw error;
  } finally {
    await db.close();
  }
}

export async function sha256File(file) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk);
  }
  return hash.digest('hex');
}

/** Resolves on 'drain'; rejects if the stream fails or closes first (e.g. a full disk). */
function drained(stream) {
  return new Promise((done, fail) => {
    const finish = (error) => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
      error ? fail(error) : done();
    };
    const onDrain = () => finish();
    const onError = (error) => finish(error);
    const onClose = () => finish(new Error('the stream closed before it took all the data'));
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

// --- ustar writing ---------------------------------------------------------------------------

function octal(value, width) {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function tarHeader(name, size, mode, mtime) {
  if (Buffer.byteLength(name) > 100) {
    throw new Error(`archive entry name too long: ${name}`);
  }
  const header = Buffer.alloc(BLOCK);
  header.write(name, 0, 100, 'utf8');
  header.write(octal(mode, 8), 100, 8, 'ascii');
  header.write(octal(0, 8), 108, 8, 'ascii'); // uid
  header.write(octal(0, 8), 116, 8, 'ascii'); // gid
  header.write(octal(size, 12), 124, 12, 'ascii');
  header.write(octal(Math.floor(mtime / 1000), 12), 136, 12, 'ascii');
  header.fill(' ', 148, 156); // checksum field counts as spaces while summing
  header.write('0', 156, 1, 'ascii'); // regular file
  header.write('ustar\0', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  header.write('archnest', 265, 32, 'ascii');
  header.write('archnest', 297, 32, 'ascii');
  let sum = 0;
  for (const byte of header) {
    sum += byte;
  }
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return header;
}

/** Writes ustar entries to a stream (e.g. a gzip stream); call end() once after the last. */
export class TarWriter {
  constructor(out) {
    this.out = out;
  }

  async write(chunk) {
    if (this.out.destroyed) {
      throw new Error('the archive could not be written');
    }
    if (!this.out.write(chunk)) {
      await drained(this.out);
    }
  }

  /** Adds a file from disk, streamed; returns its size and SHA-256. */
  async addFile(name, file, mode = 0o600) {
    const { size, mtimeMs } = await stat(file);
    await this.write(tarHeader(name, size, mode, mtimeMs));
    const hash = createHash('sha256');
    let written = 0;
    for await (const chunk of createReadStream(file)) {
      hash.update(chunk);
      written += chunk.length;
      await this.write(chunk);
    }
    if (written !== size) {
      throw new Error(`${file} changed size while it was archived`);
    }
    await this.padTo(size);
    return { name, size, sha256: hash.digest('hex') };
  }

  async addBuffer(name, data, mode = 0o600) {
    await this.write(tarHeader(name, data.length, mode, Date.now()));
    await this.write(data);
    await this.padTo(data.length);
  }

  async padTo(size) {
    const rest = size % BLOCK;
    if (rest > 0) {
      await this.write(Buffer.alloc(BLOCK - rest));
    }
  }

  /** Two zero blocks end a tar file. */
  async end() {
    await this.write(Buffer.alloc(BLOCK * 2));
    await new Promise((done, fail) => {
      this.out.once('error', fail);
      this.out.end(done);
    });
  }
}

// --- ustar reading ---------------------------------------------------------------------------

/** Reads exact byte counts from an async iterable of Buffers. */
class ByteReader {
  constructor(source) {
    this.iterator = source[Symbol.asyncIterator]();
    this.buffered = [];
    this.length = 0;
  }

  async fill(n) {
    while (this.length < n) {
      const { value, done } = await this.iterator.next();
      if (done) {
        return false;
      }
      this.buffered.push(value);
      this.length += value.length;
    }
    return true;
  }

  /** Up to `max` bytes (at least one unless the input ended), without copying large chunks. */
  async some(max) {
    if (!(await this.fill(1))) {
      return null;
    }
    const first = this.buffered[0];
    const taken = first.length <= max ? first : first.subarray(0, max);
    if (taken === first) {
      this.buffered.shift();
    } else {
      this.buffered[0] = first.subarray(max);
    }
    this.length -= taken.length;
    return taken;
  }

  async exactly(n) {
    if (!(await this.fill(n))) {
      throw new Error('the archive ends in the middle of an entry (truncated?)');
    }
    const all = Buffer.concat(this.buffered);
    this.buffered = all.length > n ? [all.subarray(n)] : [];
    this.length = all.length - n;
    return all.subarray(0, n);
  }
}

function parseOctal(field) {
  const text = field.toString('ascii').replace(/\0.*$/s, '').trim();
  if (!/^[0-7]+$/.test(text)) {
    throw new Error('not a tar archive written by scripts/backup.mjs (bad number field)');
  }
  return parseInt(text, 8);
}

/**
 * Streams the regular files of a tar archive: for each, `open(name, size)` returns a writable
 * stream (or null to reject the entry), which gets the file's bytes; resolves with
 * [{ name, size, sha256 }] in archive order.
 */
export async function extractTar(source, open) {
  const reader = new ByteReader(source);
  const entries = [];
  for (;;) {
    if (!(await reader.fill(BLOCK))) {
      throw new Error('the archive ends without its end marker (truncated?)');
    }
    const header = await reader.exactly(BLOCK);
    if (header.every((byte) => byte === 0)) {
      return entries;
    }
    const stored = parseOctal(header.subarray(148, 156));
    header.fill(' ', 148, 156);
    const sum = header.reduce((total, byte) => total + byte, 0);
    if (sum !== stored) {
      throw new Error('the archive is damaged (header checksum mismatch)');
    }
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseOctal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] || 0x30);
    if (type !== '0') {
      throw new Error(`unexpected archive entry ${name} (type ${type}): not a backup of ArchNest`);
    }
    const out = open(name, size);
    if (!out) {
      throw new Error(`unexpected archive entry ${JSON.stringify(name)}: not a backup of ArchNest`);
    }
    const hash = createHash('sha256');
    let left = size;
    while (left > 0) {
      const chunk = await reader.some(left);
      if (!chunk) {
        throw new Error('the archive ends in the middle of an entry (truncated?)');
      }
      hash.update(chunk);
      left -= chunk.length;
      if (!out.write(chunk)) {
        await drained(out);
      }
    }
    await new Promise((done, fail) => {
      out.once('error', fail);
      out.end(done);
    });
    const rest = size % BLOCK;
    if (rest > 0) {
      await reader.exactly(BLOCK - rest);
    }
    entries.push({ name, size, sha256: hash.digest('hex') });
  }
}

/** A write stream collecting into memory, for the small manifest. */
export function memoryStream() {
  const chunks = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  stream.text = () => Buffer.concat(chunks).toString('utf8');
  return stream;
}
