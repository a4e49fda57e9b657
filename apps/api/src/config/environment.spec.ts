import { parseEnvironment } from './environment';

describe('parseEnvironment', () => {
  it('accepts an empty environment (every variable has a default)', () => {
    expect(() => parseEnvironment({})).not.toThrow();
  });

  it('converts numeric variables', () => {
    const env = parseEnvironment({ PORT: '4100', STALE_AFTER_MS: '30000' });
    expect(env.PORT).toBe(4100);
    expect(env.STALE_AFTER_MS).toBe(30000);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '0'],
    ['STALE_AFTER_MS', '5s'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['ARCHNEST_JWT_SECRET', 'short'],
    ['ARCHNEST_SECRET_KEY', 'not base64!'],
    ['ARCHNEST_AGENT_TOKEN', 'short'],
    ['ARCHNEST_ADMIN_PASSWORD', '1234'],
    ['ARCHNEST_CORS_ORIGINS', 'ftp://x'],
    ['ARCHNEST_DOCKER_STATS_INTERVAL_MS', '500'],
    ['ARCHNEST_DOCKER_STATS_INTERVAL_MS', '5s'],
    ['ARCHNEST_DOCKER_STATS_INTERVAL_MS', '60000'],
    ['ARCHNEST_SSH_STATS_INTERVAL_MS', '999'],
    ['ARCHNEST_SSH_STATS_INTERVAL_MS', '15s'],
    ['ARCHNEST_METRICS_HISTORY', 'yes'],
    ['ARCHNEST_METRICS_RETENTION_RAW_HOURS', '0'],
    ['ARCHNEST_METRICS_RETENTION_RAW_HOURS', '1.5'],
    ['ARCHNEST_METRICS_RETENTION_1M_DAYS', '400'],
    ['ARCHNEST_METRICS_RETENTION_15M_DAYS', 'ninety'],
    ['ARCHNEST_METRICS_RETENTION_1H_DAYS', '-1'],
    ['ARCHNEST_METRICS_TOKEN', 'too-short'],
    ['ARCHNEST_AGENT_ALLOWED_CIDRS', '10.0.0.0/8,mesh'],
    ['ARCHNEST_AGENT_ALLOWED_CIDRS', '10.0.0.0/33'],
    ['ARCHNEST_TRUST_PROXY', 'yes'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(() => parseEnvironment({ [name]: value })).toThrow(name);
  });

  it('accepts CIDR lists for the agent networks and the trusted proxies', () => {
    expect(() =>
      parseEnvironment({
        ARCHNEST_AGENT_ALLOWED_CIDRS: '10.0.0.0/8,fd00::/8,127.0.0.1',
        ARCHNEST_TRUST_PROXY: '127.0.0.1,10.1.0.0/16',
      }),
    ).not.toThrow();
  });

  it('takes 0 as the stats collector switched off', () => {
    expect(parseEnvironment({ ARCHNEST_DOCKER_STATS_INTERVAL_MS: '0' })).toMatchObject({
      ARCHNEST_DOCKER_STATS_INTERVAL_MS: 0,
    });
  });

  it('names every bad variable at once, each only once', () => {
    let message = '';
    try {
      parseEnvironment({ PORT: 'abc', STALE_AFTER_MS: 'x' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('STALE_AFTER_MS');
    expect(message.match(/PORT/g)).toHaveLength(1);
  });
});
