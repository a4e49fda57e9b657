import { MASKED_VALUE, maskEnv } from './masking';

describe('maskEnv', () => {
  it.each([
    'DB_PASSWORD',
    'db_pass',
    'AWS_SECRET_ACCESS_KEY',
    'GITHUB_TOKEN',
    'PRIVATE_PEM',
    'api_key',
    'MY_CREDENTIALS',
  ])('masks %s', (key) => {
    expect(maskEnv([{ key, value: 'hunter2' }])).toEqual([{ key, value: MASKED_VALUE }]);
  });

  it('keeps ordinary values and order', () => {
    const env = [
      { key: 'NODE_ENV', value: 'production' },
      { key: 'PATH', value: '/usr/bin' },
    ];
    expect(maskEnv(env)).toEqual(env);
  });
});
