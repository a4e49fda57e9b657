import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FIXTURES, SCRIPT } from './run-agent';

const TOKEN = 'archnest_agent_Sup3rSecretT0ken-one';

/** The agent switches tracing off around its token, wherever the token comes from. */
describe('archnest-docker-agent.sh under bash -x', () => {
  it.each([
    ['the environment', false],
    ['the env file', true],
  ])('keeps a token from %s out of the trace', (_from, inFile) => {
    const dir = mkdtempSync(join(tmpdir(), 'archnest-agent-trace-'));
    try {
      const envFile = join(dir, 'agent.env');
      writeFileSync(envFile, inFile ? `ARCHNEST_AGENT_TOKEN='${TOKEN}'\n` : '');
      const run = spawnSync('bash', ['-x', SCRIPT], {
        env: {
          PATH: `${FIXTURES}:${process.env.PATH ?? ''}`,
          ARCHNEST_AGENT_ENV_FILE: envFile,
          ARCHNEST_HOST_ID: 'unit-host',
          ARCHNEST_URL: 'http://127.0.0.1:9',
          ARCHNEST_AGENT_STATE_DIR: dir,
          ...(inFile ? {} : { ARCHNEST_AGENT_TOKEN: TOKEN }),
        },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(run.status).toBe(4); // it got as far as sending
      expect(run.stderr).toContain('+ curl '); // tracing is back on after the headers
      expect(run.stderr).not.toContain(TOKEN);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
