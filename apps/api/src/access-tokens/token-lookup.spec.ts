import type { Repository } from 'typeorm';
import type { AccessTokenEntity } from './access-token.entity';
import { TokenLookup, type TokenRow } from './token-lookup';

function fakeRepository(stored: TokenRow[]) {
  const statements: unknown[][] = [];
  const repository = {
    manager: { connection: { driver: { createParameter: (_: string, i: number) => `$${i + 1}` } } },
    query: (_sql: string, params: unknown[]) => {
      statements.push(params);
      if (params.includes('fail')) {
        return Promise.reject(new Error('SQLITE_BUSY'));
      }
      return Promise.resolve(stored.filter((row) => params.slice(1).includes(row.token_hash)));
    },
  };
  return { repository: repository as unknown as Repository<AccessTokenEntity>, statements };
}

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

describe('TokenLookup', () => {
  it('answers every lookup of one tick with one statement per kind', async () => {
    const { repository, statements } = fakeRepository([row('a'), row('b')]);
    const lookup = new TokenLookup(repository);
    const answers = await Promise.all([
      lookup.find('agent', 'a'),
      lookup.find('agent', 'b'),
      lookup.find('agent', 'a'),
      lookup.find('agent', 'missing'),
      lookup.find('api-key', 'a'),
    ]);
    expect(answers.map((answer) => answer?.id)).toEqual([
      'id-a',
      'id-b',
      'id-a',
      undefined,
      'id-a',
    ]);
    expect(statements).toEqual([
      ['agent', 'a', 'b', 'missing'],
      ['api-key', 'a'],
    ]);
  });

  it('fails every lookup of a failed statement, and the next tick asks again', async () => {
    const { repository, statements } = fakeRepository([row('a')]);
    const lookup = new TokenLookup(repository);
    const failed = await Promise.allSettled([
      lookup.find('agent', 'a'),
      lookup.find('agent', 'fail'),
    ]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((await lookup.find('agent', 'a'))?.id).toBe('id-a');
    expect(statements).toHaveLength(2);
  });
});
