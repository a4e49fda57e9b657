/**
 * Docker Compose v2 for the image test (deploy-image.int-spec.ts). Debian bookworm ships only
 * Compose v1 (1.29), so when the docker CLI has no v2 `compose` plugin, the `docker-compose`
 * package of Debian trixie (Compose v2, a static Go binary) is fetched from Debian's mirror with a
 * throw-away apt configuration (its own sources list, lists and cache under `work`; the host's apt
 * state is not touched), unpacked with `dpkg-deb -x`, and installed as a CLI plugin into the
 * harness's private DOCKER_CONFIG, so `docker compose …` runs with the harness's environment.
 * Nothing is kept between runs: the config dir lives in the harness temp dir.
 */
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cliEnv } from '../harness/docker-engine';
import { loadInfra } from '../harness/infra';
import { ROOT, sh } from './deploy-image-build';

const exec = promisify(execFile);
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const PLUGIN = 'usr/libexec/docker/cli-plugins/docker-compose';

/** `docker compose version --short` with the harness's CLI config, or null without a plugin. */
async function composeVersion(): Promise<string | null> {
  const d = loadInfra().docker;
  try {
    const { stdout } = await exec('docker', ['compose', 'version', '--short'], {
      env: cliEnv(d),
    });
    return stdout.trim();
  } catch {
    return null;
  }
}

export interface ComposeV2 {
  version: string;
  /** Where it came from: the docker CLI already had it, or the Debian package named here. */
  source: string;
  fetchMs: number;
}

/** Makes `docker compose` (v2) available to the harness's docker CLI; returns its version. */
export async function ensureComposeV2(work: string, mirror: string): Promise<ComposeV2> {
  const started = Date.now();
  const present = await composeVersion();
  if (present && /^v?2\./.test(present)) {
    return { version: present, source: 'docker CLI plugin', fetchMs: 0 };
  }
  const dir = join(work, 'compose-v2');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'lists/partial'), { recursive: true });
  mkdirSync(join(dir, 'cache/archives/partial'), { recursive: true });
  const sources = join(dir, 'sources.list');
  writeFileSync(sources, `deb [signed-by=${KEYRING}] ${mirror} trixie main\n`);
  const apt = [
    ...['-o', `Dir::Etc::SourceList=${sources}`, '-o', 'Dir::Etc::SourceParts=/dev/null'],
    ...['-o', `Dir::State::Lists=${join(dir, 'lists')}`, '-o', `Dir::Cache=${join(dir, 'cache')}`],
    ...['-o', 'Dir::State::status=/dev/null', '-o', 'Dir::Etc::Preferences=/dev/null'],
    ...['-o', 'Dir::Etc::PreferencesParts=/dev/null', '-o', 'APT::Sandbox::User=root'],
    ...['-o', 'Acquire::Languages=none', '-q'],
  ];
  await exec('apt-get', [...apt, 'update'], { maxBuffer: 16 * 1024 * 1024 });
  const { stdout: show } = await exec('apt-cache', [...apt, 'show', 'docker-compose']);
  const debVersion = /^Version: (\S+)/m.exec(show)?.[1] ?? 'unknown';
  await exec('apt-get', [...apt, 'download', 'docker-compose'], { cwd: dir });
  const deb = readdirSync(dir).find((name) => /^docker-compose_.+\.deb$/.test(name));
  if (!deb) {
    throw new Error('apt-get download docker-compose left no .deb');
  }
  await exec('dpkg-deb', ['-x', join(dir, deb), join(dir, 'root')]);
  const plugins = join(loadInfra().docker.cliConfigDir, 'cli-plugins');
  mkdirSync(plugins, { recursive: true });
  copyFileSync(join(dir, 'root', PLUGIN), join(plugins, 'docker-compose'));
  chmodSync(join(plugins, 'docker-compose'), 0o755);
  rmSync(dir, { recursive: true, force: true });
  const version = await composeVersion();
  if (!version || !/^v?2\./.test(version)) {
    throw new Error(`docker compose version after install: ${version}`);
  }
  return {
    version,
    source: `Debian trixie docker-compose ${debVersion}`,
    fetchMs: Date.now() - started,
  };
}

export const COMPOSE_PROJECT = 'archnest-image-test';

/**
 * The environment `docker compose` runs with: the harness's CLI config and engine, none of this
 * process's variables that compose.yaml interpolates (the postgres project sets DATABASE_URL),
 * plus `extra`.
 */
function composeEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const d = loadInfra().docker;
  const env = cliEnv(d);
  for (const key of Object.keys(env)) {
    if (/^(ARCHNEST_|DATABASE_URL$|POSTGRES_|STALE_AFTER_MS$|COMPOSE_)/.test(key)) {
      delete env[key];
    }
  }
  return { ...env, DOCKER_HOST: d.dockerHost, ...extra };
}

/** `docker compose` on compose.yaml of this repo, with an empty env file (a developer's .env is not read). */
export function compose(
  args: string[],
  { log, work, extra = {} }: { log: string; work: string; extra?: Record<string, string> },
): Promise<string> {
  const envFile = join(work, 'compose.env');
  writeFileSync(envFile, '');
  return sh(
    'docker',
    [
      'compose',
      '--project-directory',
      ROOT,
      '-f',
      join(ROOT, 'compose.yaml'),
      '--env-file',
      envFile,
      '-p',
      COMPOSE_PROJECT,
      ...args,
    ],
    { log, env: composeEnv(extra) },
  );
}

export interface ComposeConfig {
  services: Record<
    string,
    {
      image: string;
      read_only?: boolean;
      security_opt?: string[];
      volumes?: { source: string; target: string }[];
      depends_on?: Record<string, { condition: string; required?: boolean }>;
      healthcheck?: { test: string[] };
      ports?: { target: number; published: string; host_ip?: string }[];
    }
  >;
  volumes: Record<string, unknown>;
}
