/**
 * Smoke test of the private PostgreSQL cluster started by the harness: the real server answers on
 * its own port, in the archnest_test database, and accepts DDL and DML.
 */
import { Client } from 'pg';
import { loadInfra } from '../harness/infra';

const { postgres } = loadInfra();

describe('private PostgreSQL', () => {
  let client: Client;

  beforeAll(async () => {
    client = new Client({ connectionString: postgres.url });
    await client.connect();
  });

  afterAll(() => client.end());

  it('is PostgreSQL 15 on the harness port, in archnest_test', async () => {
    const { rows } = await client.query<{ version: string; db: string; port: number }>(
      "select version(), current_database() as db, current_setting('port')::int as port",
    );
    expect(rows[0].version).toMatch(/^PostgreSQL 15\./);
    expect(rows[0]).toMatchObject({ db: 'archnest_test', port: postgres.port });
  });

  it('creates, fills, reads and drops a table', async () => {
    await client.query('create table smoke_check (id serial primary key, name text not null)');
    await client.query('insert into smoke_check (name) values ($1), ($2)', ['a', 'b']);
    const { rows } = await client.query<{ n: string }>('select count(*) as n from smoke_check');
    expect(rows[0].n).toBe('2');
    await client.query('drop table smoke_check');
    const gone = await client.query("select to_regclass('smoke_check') as t");
    expect(gone.rows[0]).toEqual({ t: null });
  });
});
