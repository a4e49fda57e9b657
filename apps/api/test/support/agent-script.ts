import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadInfra } from '../harness/infra';

const AGENT = resolve(__dirname, '../../../../agent/archnest-docker-agent.sh');

export interface AgentRun {
  /** The script's exit code; -1 when it was killed (e.g. by the timeout). */
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real agent script once against the private engine, with only `env` configuring it.
 * Without ARCHNEST_AGENT_STATE_DIR it gets a fresh state dir, so its report is a full one.
 * `within` wraps the command, e.g. to run it in a network namespace (Netns.exec).
 */
export function runAgentScript(
  env: NodeJS.ProcessEnv,
  options: { within?: (argv: string[]) => string[] } = {},
): Promise<AgentRun> {
  const { docker, tmpDir } = loadInfra();
  const stateDir = env.ARCHNEST_AGENT_STATE_DIR ?? mkdtempSync(join(tmpDir, 'agent-state-'));
  const [command, ...args] = (options.within ?? ((argv) => argv))(['bash', AGENT]);
  return new Promise((done) => {
    execFile(
      command,
      args,
      {
        env: {
          PATH: process.env.PATH,
          DOCKER_HOST: docker.dockerHost,
          DOCKER_CONFIG: docker.cliConfigDir,
          ARCHNEST_AGENT_ENV_FILE: '/nonexistent',
          ARCHNEST_AGENT_STATE_DIR: stateDir,
          ...env,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}
