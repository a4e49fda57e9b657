import { storageUnavailableCode } from './storage-unavailable';

function coded(code: string, message = 'failed'): Error {
  return Object.assign(new Error(message), { code });
}

const isStorageUnavailable = (error: unknown) => storageUnavailableCode(error) !== undefined;

describe('isStorageUnavailable', () => {
  it.each([
    ['SQLite disk full', coded('SQLITE_FULL')],
    ['SQLite I/O error', coded('SQLITE_IOERR')],
    ['SQLite locked past the busy timeout', coded('SQLITE_BUSY')],
    ['no space left on the device', coded('ENOSPC')],
    ['PostgreSQL refusing connections', coded('ECONNREFUSED')],
    ['PostgreSQL shut down by the administrator', coded('57P01')],
    ['PostgreSQL starting up', coded('57P03')],
    ['PostgreSQL connection failure', coded('08006')],
    ['PostgreSQL disk full', coded('53100')],
    ['a connection that died mid-query', new Error('Connection terminated unexpectedly')],
    ['a pool that cannot connect in time', new Error('timeout exceeded when trying to connect')],
  ])('is true for %s', (_, error) => {
    expect(isStorageUnavailable(error)).toBe(true);
  });

  it('looks inside TypeORM driverError and cause chains', () => {
    const driverError = coded('SQLITE_FULL');
    expect(isStorageUnavailable(Object.assign(new Error('Query failed'), { driverError }))).toBe(
      true,
    );
    expect(isStorageUnavailable(new Error('wrapped', { cause: coded('57P01') }))).toBe(true);
    const full = coded('SQLITE_FULL');
    expect(storageUnavailableCode(Object.assign(new Error('x'), { driverError: full }))).toBe(
      'SQLITE_FULL',
    );
  });

  it.each([
    ['a unique violation', coded('23505')],
    ['a constraint failure', coded('SQLITE_CONSTRAINT')],
    ['a syntax error', coded('42601')],
    ['a plain error', new Error('connect ECONNREFUSED 10.0.0.5:5432')],
    ['not an error', 'SQLITE_FULL'],
    ['null', null],
  ])('is false for %s', (_, error) => {
    expect(isStorageUnavailable(error)).toBe(false);
  });
});
