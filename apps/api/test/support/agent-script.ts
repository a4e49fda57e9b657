import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { loadInfra } from '../harness/infra';

const AGENT = resolve(__dirname, '../../../../agent/archnest-docker-agent.sh');

export interface AgentRun {
  /** The script's exit code; -1 when it was killed (e.g. by the timeout). */
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real agent script once against the private engine, with only `env` configuring it. */
export function runAgentScript(env: NodeJS.ProcessEnv): Promise<AgentRun> {
  const { docker } = loadInfra();
  return new Promise((done) => {
    execFile(
      'bash',
      [AGENT],
      {
        env: {
          PATH: process.env.PATH,
          DOCKER_HOST: docker.dockerHost,
          DOCKER_CONFIG: docker.cliConfigDir,
          ARCHNEST_AGENT_ENV_FILE: '/nonexistent',
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
