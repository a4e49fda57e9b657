/**
 * The deployment files (issue 20) checked without building or installing anything: the systemd
 * unit with systemd-analyze, install.sh's refusals, and the Dockerfile / .dockerignore /
 * compose.yaml / .env.example against each other. The image itself is built and run by
 * deploy-image.int-spec.ts; backup and restore by deploy-backup.int-spec.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../../..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

function exec(command: string, args: string[]): { code: number | null; output: string } {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

// Cheap (a few seconds), so it runs in both integration projects like every other file.
describe('deploy: files', () => {
  it('the systemd unit verifies and carries the hardening docs/deploy.md promises', () => {
    const unit = 'deploy/systemd/archnest.service';
    expect(exec('systemd-analyze', ['verify', join(ROOT, unit)])).toEqual({
      code: 0,
      output: '',
    });
    const lines = read(unit).split('\n');
    for (const line of [
      'User=archnest',
      'EnvironmentFile=-/etc/archnest/archnest.env',
      'ExecStart=/usr/bin/node /opt/archnest/dist/apps/api/main.js',
      'KillSignal=SIGTERM',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ReadWritePaths=/var/lib/archnest',
      'PrivateTmp=yes',
      'CapabilityBoundingSet=',
    ]) {
      expect(lines).toContain(line);
    }
    // V8's JIT needs writable executable memory.
    expect(lines.some((l) => l.startsWith('MemoryDenyWriteExecute='))).toBe(false);
  });

  it('install.sh is shellcheck-clean and refuses without root, before touching anything', () => {
    const script = join(ROOT, 'deploy/systemd/install.sh');
    expect(exec('shellcheck', [script])).toEqual({ code: 0, output: '' });
    const asNobody = exec('runuser', ['-u', 'nobody', '--', script]);
    expect(asNobody.code).toBe(3);
    expect(asNobody.output).toMatch(/run as root/);
    const badFlag = exec(script, ['--bogus']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.output).toMatch(/usage: sudo deploy\/systemd\/install.sh/);
  });

  it('the Dockerfile: swappable bases, non-root, /data, health check, node as PID 1', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toMatch(/^ARG BUILD_IMAGE=node:22-bookworm$/m);
    expect(dockerfile).toMatch(/^ARG BASE_IMAGE=node:22-bookworm-slim$/m);
    expect(dockerfile).toMatch(/^FROM \$\{BUILD_IMAGE\} AS build$/m);
    expect(dockerfile).toMatch(/^FROM \$\{BASE_IMAGE\}$/m);
    expect(dockerfile).toMatch(/^USER 10001:10001$/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(dockerfile).toMatch(/^EXPOSE 4000$/m);
    expect(dockerfile).toMatch(/ARCHNEST_DATA_DIR=\/data/);
    expect(dockerfile).toMatch(/^ {2}CMD \["node", "\/app\/scripts\/healthcheck\.mjs"\]$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/apps\/api\/main\.js"\]$/m);
    const instructions = dockerfile
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n');
    expect(instructions).not.toMatch(/curl|wget|npm start|NODE_EXTRA_CA_CERTS|cafile/);
  });

  it('every file the Dockerfile copies from the context exists and .dockerignore admits it', () => {
    const dockerfile = read('Dockerfile').replace(/\\\n/g, ' ');
    const ignore = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('**');
    const admitted = new Set(
      ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, '')),
    );
    const copies = [...dockerfile.matchAll(/^COPY (?!--from)(.+)$/gm)].map((m) =>
      m[1].trim().split(/\s+/).slice(0, -1),
    );
    const sources = copies.flat();
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      expect(existsSync(join(ROOT, source))).toBe(true);
      expect([source, source.split('/')[0]].some((s) => admitted.has(s))).toBe(true);
    }
  });

  it('compose.yaml: every variable it reads is documented in .env.example, no secret value', () => {
    const compose = read('compose.yaml');
    const example = read('.env.example');
    const used = new Set([...compose.matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]));
    expect(used.size).toBeGreaterThan(8);
    for (const name of used) {
      expect(example).toMatch(new RegExp(`^#?${name}=`, 'm'));
    }
    // Secrets only ever come from the environment / .env, never a literal in the file.
    for (const line of compose.split('\n').filter((l) => /(PASSWORD|SECRET|TOKEN|KEY):/.test(l))) {
      expect(line).toMatch(/: \$\{[A-Z0-9_]+:-\}$/);
    }
    expect(compose).toMatch(/condition: service_healthy/);
    expect(compose).toMatch(/profiles: \[postgres\]/);
    expect(compose).toMatch(/archnest-data:\/data/);
  });
});
