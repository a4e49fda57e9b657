/**
 * The container image (issue 20): builds the root Dockerfile on the harness's private dockerd and
 * runs it. No image registry is reachable, so both bases are made here from Debian packages
 * (`debootstrap --variant=minbase bookworm`) plus this machine's node, laid out as the official
 * node images are (/usr/local/bin/node, npm in /usr/local/lib/node_modules, headers in
 * /usr/local/include/node). The build base also gets python3, make, g++, `npm_config_nodedir`
 * (sqlite3 compiles without downloading headers) and this machine's CA bundle with
 * NODE_EXTRA_CA_CERTS / npm_config_cafile, because the registries are reached through a TLS
 * proxy this machine trusts: the test base carries that, never the Dockerfile.
 *
 * Needs the npm registry and Debian's mirror (npm ci and debootstrap run for real), debootstrap
 * installed (.ci/run installs it) and a few minutes on 2 cores. It runs in every run of the
 * integration suite, CI included; ARCHNEST_IMAGE_TEST=0 skips it on a developer's machine (and it
 * is then reported as skipped). The two bases are made in parallel, and the build stage of the
 * Dockerfile starts as soon as the build base exists, while the runtime base is still being made.
 * The image is built once per jest run, by whichever project comes first, and run on SQLite
 * (integration-sqlite) and on PostgreSQL (integration-postgres):
 *   npx jest -c jest.integration.config.ts --selectProjects integration-sqlite \
 *     integration-postgres --testPathPatterns deploy-image
 * Prints what the image adds to its base (MB), cold start to healthy (s) and idle RSS (MB), and
 * writes them to .test-output/image-figures.json. Goals: ≤ 150 MB, healthy within 10 s.
 *
 * compose.yaml is then read by Docker Compose v2 (support/deploy-compose.ts fetches it from
 * Debian trixie when the docker CLI lacks it): `docker compose config` of both profiles, and on
 * SQLite `docker compose up -d --wait` of the default service with the built image
 * (ARCHNEST_IMAGE) on the private dockerd, a login as the admin made from
 * ARCHNEST_ADMIN_PASSWORD, then `docker compose down -v`.
 */
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { cliEnv } from '../harness/docker-engine';
import { loadInfra, testDatabaseKind } from '../harness/infra';
import { freePort, sleep } from '../harness/proc';
import { call, login } from '../support/agent-load';
import { ensureComposeV2, type ComposeV2 } from '../support/deploy-compose';
import { ADMIN } from '../support/http';
import { createPostgresDatabase, type TestDatabase } from '../support/test-app';

const ROOT = resolve(__dirname, '../../../..');
const MIRROR = process.env.ARCHNEST_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const BASE_IMAGE = 'archnest-test/node-base:bookworm';
const BUILD_IMAGE = 'archnest-test/node-build:bookworm';
const IMAGE = 'archnest-test/archnest:image-test';
const CONTAINER = 'archnest-image-test';
const VOLUME = 'archnest-image-test-data';
const MB = 1024 * 1024;

/** Runs a command with output appended to `log`; rejects with the log's tail on failure. */
function sh(
  command: string,
  args: string[],
  { log, input, env }: { log: string; input?: NodeJS.ReadableStream; env?: NodeJS.ProcessEnv },
): Promise<string> {
  return new Promise((done, fail) => {
    const out = createWriteStream(log, { flags: 'a' });
    out.write(`\n[${new Date().toISOString()}] $ ${command} ${args.join(' ')}\n`);
    const child = spawn(command, args, {
      env: env ?? process.env,
      stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      out.write(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => out.write(chunk));
    if (input && child.stdin) {
      input.pipe(child.stdin);
    }
    child.once('error', fail);
    child.once('close', (code) => {
      out.end(() => {
        if (code === 0) {
          done(stdout);
        } else {
          const tail = readFileSync(log, 'utf8').split('\n').slice(-40).join('\n');
          fail(new Error(`${command} ${args.slice(0, 3).join(' ')} … exited ${code}:\n${tail}`));
        }
      });
    });
  });
}

function docker(args: string[], log: string, input?: NodeJS.ReadableStream): Promise<string> {
  const d = loadInfra().docker;
  return sh('docker', ['-H', d.dockerHost, ...args], { log, input, env: cliEnv(d) });
}

/** Where this machine's npm and node headers are. */
function nodeLayout(): { npmDir: string; headers: string } {
  const npmCli = realpathSync(
    join(dirname(process.execPath), process.platform === 'win32' ? 'npm.cmd' : 'npm'),
  );
  const npmDir = resolve(dirname(npmCli), '..');
  const prefix = String((process.config.variables as { node_prefix?: string }).node_prefix ?? '/');
  const headers = [join(prefix, 'include/node'), '/usr/include/node', '/usr/local/include/node']
    .map((dir) => resolve(dir))
    .find((dir) => existsSync(join(dir, 'node_api.h')));
  if (!headers) {
    throw new Error('node headers (node_api.h) not found');
  }
  return { npmDir, headers };
}

/** Node laid out as in the official images, into a Debian root. */
function addNode(root: string, withHeaders: boolean): void {
  const { npmDir, headers } = nodeLayout();
  mkdirSync(join(root, 'usr/local/bin'), { recursive: true });
  mkdirSync(join(root, 'usr/local/lib/node_modules'), { recursive: true });
  copyFileSync(process.execPath, join(root, 'usr/local/bin/node'));
  cpSync(npmDir, join(root, 'usr/local/lib/node_modules/npm'), { recursive: true });
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(root, 'usr/local/bin/npm'));
  symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(root, 'usr/local/bin/npx'));
  if (withHeaders) {
    cpSync(headers, join(root, 'usr/local/include/node'), { recursive: true });
  }
}

async function makeBase(
  dir: string,
  tag: string,
  { build, cacheDir, log }: { build: boolean; cacheDir: string; log: string },
): Promise<void> {
  const include = build ? ['--include=python3,make,g++,ca-certificates'] : [];
  await sh(
    'debootstrap',
    ['--variant=minbase', `--cache-dir=${cacheDir}`, ...include, 'bookworm', dir, MIRROR],
    { log },
  );
  rmSync(join(dir, 'var/cache/apt/archives'), { recursive: true, force: true });
  rmSync(join(dir, 'var/lib/apt/lists'), { recursive: true, force: true });
  addNode(dir, build);
  const env = ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'];
  if (build) {
    copyFileSync(CA_BUNDLE, join(dir, CA_BUNDLE));
    env.push(
      `ENV NODE_EXTRA_CA_CERTS=${CA_BUNDLE}`,
      `ENV npm_config_cafile=${CA_BUNDLE}`,
      'ENV npm_config_nodedir=/usr/local',
      // node-gyp compiles sqlite3 with make -j<cores> (the build takes minutes otherwise).
      'ENV JOBS=max',
    );
  }
  const tar = spawn('tar', ['-C', dir, '--numeric-owner', '-c', '.'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const changes = [...env, 'CMD ["node"]'].flatMap((change) => ['-c', change]);
  await docker(['import', ...changes, '-', tag], log, tar.stdout);
  rmSync(dir, { recursive: true, force: true });
}

async function inspect<T>(what: string, format: string, log: string): Promise<T> {
  return JSON.parse(await docker(['inspect', '-f', `{{json ${format}}}`, what], log)) as T;
}

async function waitHealthy(name: string, log: string, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const state = await inspect<{ Status: string; Health?: { Status: string } }>(
      name,
      '.State',
      log,
    );
    if (state.Health?.Status === 'healthy') {
      return Date.now() - started;
    }
    if (state.Status !== 'running' || Date.now() - started > timeoutMs) {
      const logs = await docker(['logs', '--tail', '40', name], log).catch(() => '');
      throw new Error(`container ${state.Status}, health ${state.Health?.Status}:\n${logs}`);
    }
    await sleep(100);
  }
}

function statusOf(pid: number, field: string): string {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return line?.split(/\s+/).slice(1).join(' ') ?? '';
}

/** On by default (CI runs it); ARCHNEST_IMAGE_TEST=0 is a developer's opt-out. */
const enabled = process.env.ARCHNEST_IMAGE_TEST !== '0';
const maybe = enabled ? it : it.skip;
const kind = testDatabaseKind();
const container = `${CONTAINER}-${kind}`;
const volume = `${VOLUME}-${kind}`;

interface Built {
  /** Seconds from the first debootstrap to each step's end; null when the other project built. */
  steps: Record<string, number> | null;
  context: string | null;
}

const buildArgs = [
  '--network',
  'host',
  '--build-arg',
  `BUILD_IMAGE=${BUILD_IMAGE}`,
  '--build-arg',
  `BASE_IMAGE=${BASE_IMAGE}`,
];

/**
 * Builds the bases and the image once per jest run: the integration project that runs second
 * finds the image on the shared engine (whose data the harness teardown removes) and reuses it.
 */
async function ensureImage(work: string, log: string): Promise<Built> {
  const present = await docker(['image', 'inspect', IMAGE], log).then(
    () => true,
    () => false,
  );
  if (present) {
    return { steps: null, context: null };
  }
  // Both bases at once (separate package caches and logs: two debootstraps share neither), and
  // the Dockerfile's build stage (npm ci, npm run build, prune) as soon as its base exists.
  const t0 = Date.now();
  const part = (name: string) => {
    const cacheDir = join(work, `debs-${name}`);
    mkdirSync(cacheDir, { recursive: true });
    return { dir: join(work, name), cacheDir, log: join(work, `${name}.log`) };
  };
  const base = part('base');
  const build = part('build');
  const steps: Record<string, number> = {};
  const done = (step: string) => {
    steps[step] = Math.round((Date.now() - t0) / 100) / 10;
  };
  const runtimeBase = makeBase(base.dir, BASE_IMAGE, { build: false, ...base }).then(() =>
    done('runtimeBaseS'),
  );
  const stage = makeBase(build.dir, BUILD_IMAGE, { build: true, ...build }).then(async () => {
    done('buildBaseS');
    await docker(['build', ...buildArgs, '--target', 'build', '-t', `${IMAGE}-build`, ROOT], log);
    done('buildStageS');
  });
  await Promise.all([runtimeBase, stage]);
  // The whole Dockerfile: the build stage from the builder's cache, then the runtime stage.
  await docker(
    [
      'build',
      ...buildArgs,
      '--build-arg',
      `CREATED=${new Date().toISOString()}`,
      '-t',
      IMAGE,
      ROOT,
    ],
    log,
  );
  for (const file of [base.log, build.log]) {
    writeFileSync(log, readFileSync(file), { flag: 'a' });
  }
  done('imageS');
  const context = /Sending build context to Docker daemon\s+(\S+)/.exec(readFileSync(log, 'utf8'));
  return { steps, context: context?.[1] ?? null };
}

function recordImageFigures(figures: Record<string, unknown>): void {
  const out = join(ROOT, '.test-output');
  const file = join(out, 'image-figures.json');
  mkdirSync(out, { recursive: true });
  const all = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
    : {};
  all[kind] = { ...figures, recordedAt: new Date().toISOString() };
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
  console.log(`image (${kind}): ${JSON.stringify(figures)}`);
}

const COMPOSE_PROJECT = 'archnest-image-test';

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
function compose(
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

interface ComposeConfig {
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

describe('deploy: the container image', () => {
  let work: string;
  let database: TestDatabase | undefined;
  // Fetched while the bases are made; settled (never rejected) so it can wait.
  let composeReady: Promise<ComposeV2 | Error>;

  beforeAll(() => {
    work = join(loadInfra().tmpDir, 'image-test');
    mkdirSync(work, { recursive: true });
    composeReady = enabled
      ? ensureComposeV2(work, MIRROR).catch((error: unknown) =>
          error instanceof Error ? error : new Error(String(error)),
        )
      : Promise.resolve(new Error('ARCHNEST_IMAGE_TEST=0'));
  });
  afterAll(async () => {
    if (enabled) {
      const log = join(work, 'cleanup.log');
      await composeReady;
      await compose(['down', '-v', '--timeout', '20'], { log, work }).catch(() => undefined);
      await docker(['rm', '-f', '-v', container], log).catch(() => undefined);
      await docker(['volume', 'rm', '-f', volume], log).catch(() => undefined);
    }
    await database?.drop();
  });

  maybe(
    `built once from Debian-made bases, it turns healthy on ${kind}, runs as non-root, stops on SIGTERM and keeps its data across a restart (ARCHNEST_IMAGE_TEST=1 runs it: it needs the npm registry and Debian's mirror)`,
    async () => {
      const log = join(work, `image-test-${kind}.log`);
      console.log(`image test log: ${log}`);
      const built = await ensureImage(work, log);
      const baseSize = await inspect<number>(BASE_IMAGE, '.Size', log);
      const imageSize = await inspect<number>(IMAGE, '.Size', log);
      const config = await inspect<{
        User: string;
        Env: string[];
        ExposedPorts: Record<string, unknown>;
        Volumes: Record<string, unknown>;
        Labels: Record<string, string>;
        Healthcheck: { Test: string[] };
      }>(IMAGE, '.Config', log);

      // What the image holds: no data, no secret, no sources or source maps, no build tools.
      const listing = await docker(
        [
          'run',
          '--rm',
          '--network',
          'none',
          IMAGE,
          'sh',
          '-c',
          'ls -A /data; echo ---; ls -A /app; echo ---; find /app -name "*.map" -o -name "*.ts" | head; echo ---; command -v g++ make python3 || true',
        ],
        log,
      );
      const [dataList, appList, maps, tools] = listing.split('---\n').map((s) => s.trim());

      // Cold start to healthy, on a free port of this machine's loopback (host network), on
      // SQLite in the volume or on a fresh database of the harness's PostgreSQL.
      database = kind === 'postgres' ? await createPostgresDatabase() : undefined;
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      const started = Date.now();
      await docker(
        [
          'run',
          '-d',
          '--name',
          container,
          '--network',
          'host',
          '-e',
          `PORT=${port}`,
          '-e',
          'HOST=127.0.0.1',
          ...(database ? ['-e', `DATABASE_URL=${database.url}`] : []),
          '-v',
          `${volume}:/data`,
          IMAGE,
        ],
        log,
      );
      await waitHealthy(container, log);
      const healthyAfterMs = Date.now() - started;
      const pid = await inspect<number>(container, '.State.Pid', log);
      const uid = statusOf(pid, 'Uid').split('\t')[0].split(' ')[0];
      const inside = (await docker(['exec', container, 'id', '-u'], log)).trim();
      const health = await call<{ database: { type: string } }>(baseUrl, 'GET', '/api/health');

      // The first admin, then idle RSS.
      const setup = await call(baseUrl, 'POST', '/api/auth/setup', { body: ADMIN });
      expect(setup.status).toBe(201);
      await sleep(5000);
      const rssKb = Number(statusOf(pid, 'VmRSS').split(' ')[0]);

      // Graceful stop (SIGTERM to node as PID 1: exit 0, well before docker's SIGKILL).
      const stopStarted = Date.now();
      await docker(['stop', '-t', '20', container], log);
      const stopMs = Date.now() - stopStarted;
      const exitCode = await inspect<number>(container, '.State.ExitCode', log);
      await docker(['start', container], log);
      const restartMs = await waitHealthy(container, log);
      // Data kept: the admin created before the restart logs in, setup is closed.
      const token = await login(baseUrl, ADMIN);
      const again = await call(baseUrl, 'POST', '/api/auth/setup', { body: ADMIN });

      const round = (value: number, unit: number) => Math.round((value / unit) * 10) / 10;
      recordImageFigures({
        addedMb: round(imageSize - baseSize, MB),
        baseMb: round(baseSize, MB),
        imageMb: round(imageSize, MB),
        coldStartToHealthyS: round(healthyAfterMs, 1000),
        restartToHealthyS: round(restartMs, 1000),
        idleRssMb: round(rssKb, 1024),
        stopS: round(stopMs, 1000),
        // Wall time from the first debootstrap to the end of each step, the image last.
        build: built.steps ?? 'built by the other project',
        buildContext: built.context ?? 'n/a',
      });

      expect(dataList).toBe('');
      expect(appList.split('\n').sort()).toEqual([
        'dist',
        'node_modules',
        'package.json',
        'scripts',
      ]);
      expect(maps).toBe('');
      expect(tools).toBe('');
      expect(config.User).toBe('10001:10001');
      expect(config.Env).toEqual(expect.arrayContaining(['ARCHNEST_DATA_DIR=/data']));
      expect(config.Env.filter((e) => /SECRET|TOKEN|PASSWORD|CAFILE|CA_CERTS/i.test(e))).toEqual(
        [],
      );
      expect(Object.keys(config.ExposedPorts)).toEqual(['4000/tcp']);
      expect(Object.keys(config.Volumes)).toEqual(['/data']);
      expect(config.Labels['org.opencontainers.image.title']).toBe('ArchNest Containers');
      expect(config.Healthcheck.Test).toEqual(['CMD', 'node', '/app/scripts/healthcheck.mjs']);
      expect(health.body.database.type).toBe(kind);
      expect(uid).toBe('10001');
      expect(inside).toBe('10001');
      expect(exitCode).toBe(0);
      expect(stopMs).toBeLessThan(15_000);
      expect(token).toEqual(expect.any(String));
      expect(again.status).toBe(409);
    },
    1_200_000,
  );

  maybe(
    kind === 'sqlite'
      ? 'compose.yaml, read by Docker Compose v2 (both profiles), comes up healthy with the built image on SQLite, with the admin from ARCHNEST_ADMIN_PASSWORD, read-only, and goes down with its volume'
      : 'compose.yaml, read by Docker Compose v2: the postgres profile adds PostgreSQL with a healthcheck that the console waits for',
    async () => {
      const log = join(work, `compose-${kind}.log`);
      const v2 = await composeReady;
      if (v2 instanceof Error) {
        throw v2;
      }
      const configOf = async (profile: string[]) =>
        JSON.parse(
          await compose([...profile, 'config', '--format', 'json'], {
            log,
            work,
            extra: { ARCHNEST_IMAGE: IMAGE },
          }),
        ) as ComposeConfig;
      const plain = await configOf([]);
      const withPostgres = await configOf(['--profile', 'postgres']);
      const app = plain.services.archnest;
      expect(Object.keys(plain.services)).toEqual(['archnest']);
      expect(app.image).toBe(IMAGE);
      expect(app.read_only).toBe(true);
      expect(app.security_opt).toEqual(['no-new-privileges:true']);
      expect(app.volumes?.map((v) => `${v.source}:${v.target}`)).toEqual(['archnest-data:/data']);
      expect(Object.keys(withPostgres.services).sort()).toEqual(['archnest', 'postgres']);
      expect(withPostgres.services.archnest.depends_on?.postgres.condition).toBe('service_healthy');
      expect(withPostgres.services.postgres.healthcheck?.test[0]).toBe('CMD-SHELL');
      if (kind !== 'sqlite') {
        console.log(`compose (${kind}): ${v2.version} from ${v2.source}, config of both profiles`);
        return;
      }

      // The default service, as an operator starts it, on a free port of loopback.
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      const extra = {
        ARCHNEST_IMAGE: IMAGE,
        ARCHNEST_PUBLISH: `127.0.0.1:${port}`,
        ARCHNEST_ADMIN_PASSWORD: ADMIN.password,
      };
      const started = Date.now();
      await compose(
        ['up', '-d', '--no-build', '--pull', 'never', '--wait', '--wait-timeout', '60'],
        {
          log,
          work,
          extra,
        },
      );
      const healthyMs = Date.now() - started;
      const id = (await compose(['ps', '-q', 'archnest'], { log, work, extra })).trim();
      const host = await inspect<{ ReadonlyRootfs: boolean; SecurityOpt: string[] }>(
        id,
        '.HostConfig',
        log,
      );
      const health = await inspect<string>(id, '.State.Health.Status', log);
      const token = await login(baseUrl, ADMIN);
      const setup = await call(baseUrl, 'POST', '/api/auth/setup', { body: ADMIN });
      const volumes = () =>
        docker(
          ['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${COMPOSE_PROJECT}`],
          log,
        );
      const volumesUp = (await volumes()).trim().split('\n').filter(Boolean);
      await compose(['down', '-v', '--timeout', '20'], { log, work, extra });
      const left = (await compose(['ps', '-a', '-q'], { log, work, extra })).trim();
      const volumesDown = (await volumes()).trim();
      console.log(
        `compose (${kind}): ${JSON.stringify({
          compose: v2.version,
          from: v2.source,
          fetchS: Math.round(v2.fetchMs / 100) / 10,
          upToHealthyS: Math.round(healthyMs / 100) / 10,
        })}`,
      );

      expect(health).toBe('healthy');
      expect(host.ReadonlyRootfs).toBe(true);
      expect(host.SecurityOpt).toEqual(['no-new-privileges:true']);
      expect(token).toEqual(expect.any(String));
      expect(setup.status).toBe(409);
      expect(volumesUp).toEqual([`${COMPOSE_PROJECT}_archnest-data`]);
      expect(left).toBe('');
      expect(volumesDown).toBe('');
    },
    300_000,
  );
});
