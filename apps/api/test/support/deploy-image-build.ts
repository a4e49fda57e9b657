/**
 * Builds the root Dockerfile for the image test (deploy-image.int-spec.ts) on the harness's
 * private dockerd, from bases made here: `debootstrap --variant=minbase bookworm` plus this
 * machine's node laid out as in the official node images; the build base also carries python3,
 * make, g++, `npm_config_nodedir` and this machine's CA bundle (never the Dockerfile).
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
import { loadInfra } from '../harness/infra';
import { sleep } from '../harness/proc';

export const ROOT = resolve(__dirname, '../../../..');
export const MIRROR = process.env.ARCHNEST_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
export const BASE_IMAGE = 'archnest-test/node-base:bookworm';
const BUILD_IMAGE = 'archnest-test/node-build:bookworm';
export const IMAGE = 'archnest-test/archnest:image-test';

/** Runs a command with output appended to `log`; rejects with the log's tail on failure. */
export function sh(
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

export function docker(
  args: string[],
  log: string,
  input?: NodeJS.ReadableStream,
): Promise<string> {
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

export async function inspect<T>(what: string, format: string, log: string): Promise<T> {
  return JSON.parse(await docker(['inspect', '-f', `{{json ${format}}}`, what], log)) as T;
}

export async function waitHealthy(name: string, log: string, timeoutMs = 60_000): Promise<number> {
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

export interface Built {
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
export async function ensureImage(work: string, log: string): Promise<Built> {
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
