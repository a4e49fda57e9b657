/**
 * Smoke test of the private dockerd started by the harness: the real engine answers on its own
 * socket, runs the busybox test image, and serves logs, exec and stats. Asserts only through the
 * engine, never by sending traffic to a container address.
 */
import Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { runDocker } from '../harness/docker-engine';
import { loadInfra } from '../harness/infra';
import { waitFor } from '../harness/proc';

const infra = loadInfra();
const docker = new Docker({ socketPath: infra.docker.socketPath });

async function execOutput(container: Docker.Container, cmd: string[]): Promise<string> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout = new PassThrough();
  let output = '';
  stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  docker.modem.demuxStream(stream, stdout, process.stderr);
  await new Promise((resolve) => stream.on('end', resolve));
  return output;
}

describe('private dockerd', () => {
  let container: Docker.Container;

  beforeAll(async () => {
    container = await docker.createContainer({
      Image: infra.docker.image,
      Cmd: ['sh', '-c', 'echo hello-archnest; sleep 300'],
      Labels: { 'archnest.test': 'smoke' },
    });
    await container.start();
  });

  afterAll(async () => {
    await container.remove({ force: true }).catch(() => undefined);
  });

  it('is the engine the harness started, on its own data root', async () => {
    const version = await docker.version();
    const info = (await docker.info()) as { DockerRootDir: string };
    expect(version.ApiVersion).toMatch(/^1\.\d+$/);
    expect(info.DockerRootDir).toBe(infra.docker.dataRoot);
  });

  it('runs the busybox test image and serves its logs', async () => {
    const details = await container.inspect();
    expect(details.State.Running).toBe(true);
    expect(details.Config.Image).toBe('archnest-test/busybox:1');
    let logs = '';
    await waitFor('the container to log its line', async () => {
      logs = (await container.logs({ stdout: true, stderr: true, follow: false })).toString();
      return logs.includes('hello-archnest');
    });
    expect(logs).toContain('hello-archnest');
  });

  it('executes a command in the container', async () => {
    expect((await execOutput(container, ['sh', '-c', 'echo $((6*7))'])).trim()).toBe('42');
  });

  it('answers a one-shot stats request', async () => {
    const stats = await container.stats({ stream: false });
    expect(Date.parse(stats.read)).toBeGreaterThan(0);
    expect(stats.pids_stats?.current).toBeGreaterThanOrEqual(1);
  });

  it('is visible to the docker CLI helper and removable', async () => {
    const listed = await runDocker(['ps', '--filter', 'label=archnest.test=smoke', '-q']);
    expect(listed.trim()).toBe(container.id.slice(0, 12));
    await container.remove({ force: true });
    await expect(container.inspect()).rejects.toMatchObject({ statusCode: 404 });
  });
});
