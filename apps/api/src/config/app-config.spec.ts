import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './app-config';

const dataDir = mkdtempSync(join(tmpdir(), 'archnest-config-spec-'));
const base = { ARCHNEST_DATA_DIR: dataDir };

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('loadConfig: metrics history', () => {
  it('keeps 24 h raw, 7 d of 1-minute, 90 d of 15-minute and a year of 1-hour rollups by default', () => {
    const { metrics, sshStatsIntervalMs } = loadConfig(base);
    expect(metrics.history).toBe(true);
    expect(metrics.retention).toEqual({
      raw: 24 * 3_600,
      60: 7 * 86_400,
      900: 90 * 86_400,
      3600: 365 * 86_400,
    });
    expect(metrics.scrapeToken).toBeNull();
    expect(sshStatsIntervalMs).toBe(15_000);
  });

  it('reads the switches and retention from the environment', () => {
    const config = loadConfig({
      ...base,
      ARCHNEST_METRICS_HISTORY: 'off',
      ARCHNEST_METRICS_RETENTION_RAW_HOURS: '48',
      ARCHNEST_METRICS_TOKEN: 'a-scrape-token-of-length',
      ARCHNEST_SSH_STATS_INTERVAL_MS: '0',
    });
    expect(config.metrics.history).toBe(false);
    expect(config.metrics.retention.raw).toBe(48 * 3_600);
    expect(config.metrics.scrapeToken).toBe('a-scrape-token-of-length');
    expect(config.sshStatsIntervalMs).toBe(0);
  });

  it('refuses a tier kept shorter than the finer one it is folded from', () => {
    expect(() =>
      loadConfig({
        ...base,
        ARCHNEST_METRICS_RETENTION_RAW_HOURS: '240',
        ARCHNEST_METRICS_RETENTION_1M_DAYS: '7',
      }),
    ).toThrow(
      'ARCHNEST_METRICS_RETENTION_1M_DAYS must keep at least as long as ARCHNEST_METRICS_RETENTION_RAW_HOURS',
    );
  });
});
