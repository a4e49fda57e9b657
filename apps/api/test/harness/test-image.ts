/**
 * The test image `archnest-test/busybox:1`, built without a registry: a root holding /bin/busybox
 * (busybox-static) plus a link per applet, piped as a tarball into `docker import`.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cliEnv } from './docker-engine';
import { TEST_IMAGE, loadInfra } from './infra';
import { run } from './proc';

const BUSYBOX = '/bin/busybox';

function writeBusyboxRoot(root: string, applets: string[]): void {
  for (const dir of ['bin', 'tmp', 'etc', 'root']) {
    mkdirSync(join(root, dir), { recursive: true });
  }
  copyFileSync(BUSYBOX, join(root, 'bin/busybox'));
  for (const applet of applets) {
    if (applet === 'bin/busybox') {
      continue;
    }
    mkdirSync(join(root, dirname(applet)), { recursive: true });
    symlinkSync('/bin/busybox', join(root, applet));
  }
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\n');
}

function importTarball(root: string, tag: string): Promise<void> {
  const d = loadInfra().docker;
  const env = cliEnv(d);
  const importArgs = ['-H', d.dockerHost, 'import', '-c', 'CMD ["/bin/sh"]', '-', tag];
  const docker = spawn('docker', importArgs, { env, stdio: ['pipe', 'ignore', 'pipe'] });
  const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
  tar.stdout.pipe(docker.stdin);
  let stderr = '';
  docker.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    tar.on('error', reject);
    docker.on('error', reject);
    docker.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`docker import exited ${code}: ${stderr}`)),
    );
  });
}

/** Builds archnest-test/busybox:1 from /bin/busybox and its applet links (no registry needed). */
export async function buildTestImage(): Promise<void> {
  const root = join(loadInfra().tmpDir, 'image-root');
  const applets = (await run(BUSYBOX, ['--list-full'])).split('\n').filter(Boolean);
  writeBusyboxRoot(root, applets);
  try {
    await importTarball(root, TEST_IMAGE);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
