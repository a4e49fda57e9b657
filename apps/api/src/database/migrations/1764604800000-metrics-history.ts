import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The metrics history (docs/metrics.md): one row per series (source, host, container name), raw
 * samples with the Docker counters as read, rollups per tier with rates, and the sampling
 * leases of several replicas. Times are epoch seconds (leases: milliseconds). On SQLite the
 * sample tables are WITHOUT ROWID: the primary key is the table, which halves their size.
 */
export class MetricsHistory1764604800000 implements MigrationInterface {
  name = 'MetricsHistory1764604800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const sqlite = queryRunner.connection.options.type !== 'postgres';
    const id = sqlite ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'SERIAL PRIMARY KEY';
    const compact = sqlite ? ' WITHOUT ROWID' : '';
    const figures =
      'cpu double precision, mem double precision, mem_limit double precision, ' +
      'net_rx double precision, net_tx double precision, ' +
      'blk_r double precision, blk_w double precision';
    await queryRunner.query(
      `CREATE TABLE metric_series (id ${id}, source varchar(16) NOT NULL, ` +
        'host_id varchar(128) NOT NULL, container varchar(256) NOT NULL, ' +
        "image varchar(512) NOT NULL DEFAULT '', " +
        'CONSTRAINT uq_metric_series UNIQUE (source, host_id, container))',
    );
    await queryRunner.query(
      `CREATE TABLE metric_samples (series_id integer NOT NULL, t bigint NOT NULL, ${figures}, ` +
        `PRIMARY KEY (series_id, t))${compact}`,
    );
    await queryRunner.query(
      'CREATE TABLE metric_rollups (tier integer NOT NULL, series_id integer NOT NULL, ' +
        't bigint NOT NULL, samples integer NOT NULL, ' +
        `cpu_max double precision, mem_max double precision, ${figures}, ` +
        `PRIMARY KEY (tier, series_id, t))${compact}`,
    );
    // A tier's newest and oldest bucket, and its pruning, without scanning the tier. Raw samples
    // have no such index: it would cost every insert; they are pruned series by series.
    await queryRunner.query('CREATE INDEX ix_metric_rollups_tier_t ON metric_rollups (tier, t)');
    await queryRunner.query(
      'CREATE TABLE metric_leases (source varchar(16) NOT NULL, host_id varchar(128) NOT NULL, ' +
        'holder varchar(64) NOT NULL, expires_at bigint NOT NULL, PRIMARY KEY (source, host_id))',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['metric_leases', 'metric_rollups', 'metric_samples', 'metric_series']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
