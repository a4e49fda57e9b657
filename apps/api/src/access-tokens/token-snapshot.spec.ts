import type { Repository } from 'typeorm';
import type { AccessTokenEntity } from './access-token.entity';
import type { TokenRow } from './token-lookup';
import { TokenSnapshot } from './token-snapshot';

const row = (hash: string): TokenRow => ({
  id: `id-${hash}`,
  token_hash: hash,
  hint: 'h',
  host_id: 'host',
  user_id: null,
  read_only: 0,
  allowed_cidrs: '[]',
  expires_at: null,
});

/** A database of one revision and its rows; every statement is recorded. */
function fakeDatabase() {
  const state = { revision: 1, rows: [row('a')], statements: [] as string[], hold: false };
  let release: (() => void) | null = null;
  const repository = {
    manager: { connection: { driver: { createParameter: () => '?' } } },
    query: async (sql: string) => {
      state.statements.push(sql.startsWith('SELECT revision') ? 'revision' : 'rows');
      if (sql.startsWith('SELECT revision')) {
        return [{ revision: String(state.revision) }];
      }
      const rows = state.rows;
      if (release === null && state.hold) {
        await new Promise<void>((resolve) => (release = resolve));
      }
      return rows;
    },
  };
  return Object.assign(state, {
    release: () => release?.(),
    repository: repository as unknown as Repository<AccessTokenEntity>,
  });
}

describe('TokenSnapshot', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000, doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('reads the tokens once, then only the revision, at most once a second', async () => {
    const db = fakeDatabase();
    const snapshot = new TokenSnapshot(db.repository, 'agent');
    expect((await snapshot.find('a'))?.id).toBe('id-a');
    expect(await snapshot.find('b')).toBeUndefined();
    expect(db.statements).toEqual(['revision', 'rows']);
    jest.advanceTimersByTime(999);
    await snapshot.find('a');
    expect(db.statements).toHaveLength(2);
    jest.advanceTimersByTime(1);
    await snapshot.find('a');
    expect(db.statements).toEqual(['revision', 'rows', 'revision']);
  });

  it('reads the tokens again once the revision moves (a change on another replica)', async () => {
    const db = fakeDatabase();
    const snapshot = new TokenSnapshot(db.repository, 'agent');
    await snapshot.find('a');
    db.revision = 2;
    db.rows = [row('b')];
    jest.advanceTimersByTime(1_000);
    expect(await snapshot.find('a')).toBeUndefined();
    expect((await snapshot.find('b'))?.id).toBe('id-b');
  });

  it('applies a change made here at once, even one made while a refresh was on its way', async () => {
    const db = fakeDatabase();
    const snapshot = new TokenSnapshot(db.repository, 'agent');
    db.hold = true;
    const during = snapshot.find('a');
    await new Promise((resolve) => setImmediate(resolve));
    // The revoke lands after the refresh read the old revision and rows, before it stored them.
    db.revision = 2;
    db.rows = [];
    snapshot.invalidate();
    db.hold = false;
    db.release();
    // Even the request that was waiting on the overtaken refresh gets the new state.
    expect(await during).toBeUndefined();
    expect(await snapshot.find('a')).toBeUndefined();
  });
});
