// The metrics benchmark's 30-day database: 100 containers of one agent host, every tier filled
// as the default retention keeps it (raw 5 s samples for the last 24 h, 1-minute rollups for
// 7 days, 15-minute and 1-hour rollups for the 30 days), generated with SQL straight into the
// tables of the migration (1764604800000-metrics-history.ts). Rows go in time-major order, as a
// live API writes them (every series one row per tick), so the B-tree pages fill as they would.
// Each table or tier is measured with SQLite's dbstat right after it is filled.
import sqlite3 from 'sqlite3';

export const FIXTURE_CONTAINERS = 100;
const RAW_INTERVAL = 5;
const DAY = 86_400;
/** Each tier as the fixture fills it: bucket seconds and how far back it reaches. */
export const FIXTURE_TIERS = [
  { name: 'raw (5 s)', tier: 'raw', bucket: RAW_INTERVAL, days: 1 },
  { name: '1 min', tier: 60, bucket: 60, days: 7 },
  { name: '15 min', tier: 900, bucket: 900, days: 30 },
  { name: '1 h', tier: 3600, bucket: 3600, days: 30 },
];

/** A promise-returning sqlite3 connection: run() for statements, all() for rows. */
export function openDatabase(path) {
  const db = new sqlite3.Database(path);
  const call = (method, sql) =>
    new Promise((resolve, reject) =>
      db[method](sql, (error, result) => (error ? reject(error) : resolve(result))),
    );
  return {
    run: (sql) => call('exec', sql),
    all: (sql) => call('all', sql),
    close: () => new Promise((resolve, reject) => db.close((e) => (e ? reject(e) : resolve()))),
  };
}

/** Rows 0 … count-1 of a recursive CTE named k, as the outer loop of an INSERT … SELECT. */
const counter = (count) =>
  `WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < ${count - 1}) `;

/** A random figure in [low, low + spread), fractional. */
const random = (low, spread) => `(${low} + (abs(random()) % 1000000) / 1000000.0 * ${spread})`;

function rawSamples(from, count) {
  const elapsed = `(k.i * ${RAW_INTERVAL})`;
  return (
    counter(count) +
    'INSERT INTO metric_samples (series_id, t, cpu, mem, mem_limit, net_rx, net_tx, blk_r, blk_w) ' +
    `SELECT s.id, ${from} + ${elapsed}, ${random(0, 100)}, ` +
    '20971520 + abs(random()) % 209715200, 536870912, ' +
    // Counters as Docker reports them: integers that only grow.
    `${elapsed} * (2000 + s.id * 37) + s.id, ${elapsed} * (900 + s.id * 11), ` +
    `${elapsed} * 50, ${elapsed} * (300 + s.id * 5) ` +
    'FROM k CROSS JOIN metric_series s ORDER BY k.i, s.id'
  );
}

function rollups(tier, from, count) {
  const samples = tier / RAW_INTERVAL;
  return (
    counter(count) +
    'INSERT INTO metric_rollups (tier, series_id, t, samples, cpu_max, mem_max, cpu, mem, ' +
    'mem_limit, net_rx, net_tx, blk_r, blk_w) ' +
    `SELECT ${tier}, s.id, ${from} + k.i * ${tier}, ${samples}, ${random(50, 50)}, ` +
    `230686720 - abs(random()) % 20971520, ${random(0, 50)}, ${random(20971520, 209715200)}, ` +
    `536870912, ${random(2000, 4000)}, ${random(900, 1100)}, ${random(0, 100)}, ` +
    `${random(300, 500)} FROM k CROSS JOIN metric_series s ORDER BY k.i, s.id`
  );
}

/** Bytes SQLite uses for a table (its pages, as dbstat counts them). */
async function tableBytes(db, table) {
  const rows = await db.all(`SELECT SUM(pgsize) AS bytes FROM dbstat WHERE name = '${table}'`);
  return Number(rows[0].bytes ?? 0);
}

/**
 * Fills the metrics tables of the (migrated) database at `path` for the series of `hostId`'s
 * containers `names`, ending at `now` (epoch seconds). Returns, per tier, its rows and the
 * bytes its rows added; the size of each table, SQLite's version and the seconds it took.
 */
export async function fillHistory(path, { source, hostId, names, image, now }) {
  const started = performance.now();
  const db = openDatabase(path);
  try {
    await db.run('PRAGMA synchronous = OFF; PRAGMA cache_size = -262144');
    const values = names.map((name) => `('${source}', '${hostId}', '${name}', '${image}')`);
    await db.run(
      `INSERT INTO metric_series (source, host_id, container, image) VALUES ${values.join(', ')}`,
    );
    const tiers = [];
    for (const { name, tier, bucket, days } of FIXTURE_TIERS) {
      // A tier holds finished buckets: up to the start of the current one.
      const end = Math.floor(now / bucket) * bucket;
      const count = (days * DAY) / bucket;
      const from = end - count * bucket;
      const table = tier === 'raw' ? 'metric_samples' : 'metric_rollups';
      const before = await tableBytes(db, table);
      await db.run(tier === 'raw' ? rawSamples(from, count) : rollups(tier, from, count));
      tiers.push({
        name,
        tier,
        days,
        rows: count * names.length,
        bytes: (await tableBytes(db, table)) - before,
      });
    }
    await db.run('PRAGMA wal_checkpoint(TRUNCATE)');
    const tables = await db.all(
      "SELECT name, SUM(pgsize) AS bytes FROM dbstat WHERE name LIKE 'metric%' GROUP BY name",
    );
    const [{ version }] = await db.all('SELECT sqlite_version() AS version');
    return { tiers, tables, version, seconds: (performance.now() - started) / 1000 };
  } finally {
    await db.close();
  }
}
