import type { ContainerAction } from '@archnest/contracts';
import { AppError, ErrorCode } from '../../common/errors/app-error';
import { SourceRegistry } from '../source-registry';
import type { CommandResult } from '../../ssh/exec-command';
import type { DockerSshRunner } from './docker-ssh.runner';
import type { DockerSshExecService } from './exec/docker-ssh-exec.service';
import type { DockerSshLogFollower } from './ssh-log-follow';
import { DockerSshService } from './docker-ssh.service';
import type { SshTargetEntity } from './ssh-target.entity';
import type { SshTargetsService } from './ssh-targets.service';

function target(overrides: Partial<SshTargetEntity> = {}): SshTargetEntity {
  return {
    id: 't1',
    name: 'box',
    host: '10.0.0.5',
    port: 22,
    username: 'deploy',
    authMethod: 'key',
    credentialsSealed: 'v1.x',
    jumpTargetId: null,
    hostKeyFingerprint: `SHA256:${'A'.repeat(43)}`,
    dockerCommand: 'docker',
    dockerHost: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  };
}

const ok = (stdout = ''): CommandResult => ({ stdout, stderr: '', exitCode: 0, truncated: false });

function setup(targets: SshTargetEntity[] = [target()]) {
  const run = jest.fn((_target: SshTargetEntity, _argv: string[]) => Promise.resolve(ok()));
  const require = jest.fn((id: string) => {
    const found = targets.find((t) => t.id === id);
    return found
      ? Promise.resolve(found)
      : Promise.reject(new AppError(ErrorCode.NotFound, 'no target'));
  });
  const service = new DockerSshService(
    { require, entities: () => Promise.resolve(targets) } as unknown as SshTargetsService,
    { run, read: run, lastSeen: () => null } as unknown as DockerSshRunner,
    new SourceRegistry(),
    {} as DockerSshExecService,
    {} as DockerSshLogFollower,
  );
  return { service, run, require };
}

describe('DockerSshService', () => {
  it.each(['x;id', '-f', '$(id)', 'ü', 'a'.repeat(129), "x'y"])(
    'refuses the ref %j before looking up the target or running anything',
    async (ref) => {
      const { service, run, require } = setup();
      const calls = [
        service.getContainer('t1', ref),
        service.getLogs('t1', ref, { tail: 10, timestamps: true }),
        service.getStats('t1', ref),
        service.runAction('t1', ref, 'stop', {}),
      ];
      for (const call of calls) {
        await expect(call).rejects.toMatchObject({ code: ErrorCode.BadRequest });
      }
      expect(require).not.toHaveBeenCalled();
      expect(run).not.toHaveBeenCalled();
    },
  );

  it('refuses a verb outside the whitelist before running anything', async () => {
    const { service, run } = setup();
    await expect(
      service.runAction('t1', 'web', 'kill' as ContainerAction, {}),
    ).rejects.toMatchObject({ code: ErrorCode.BadRequest });
    expect(run).not.toHaveBeenCalled();
  });

  it('runs an action on the target and passes its failure on', async () => {
    const { service, run } = setup();
    await expect(service.runAction('t1', 'web', 'remove', { force: true })).resolves.toBe('done');
    expect(run.mock.calls[0]?.[1]).toEqual(['docker', 'rm', '--force', '--', 'web']);
    run.mockRejectedValueOnce(new AppError(ErrorCode.Conflict, 'web is not running'));
    await expect(service.runAction('t1', 'web', 'pause', {})).rejects.toThrow(/not running/);
  });

  it('reports hosts without failing: unpinned is unknown, failing is unreachable', async () => {
    const { service, run } = setup([
      target({ id: 'a', name: 'a' }),
      target({ id: 'b', name: 'b', hostKeyFingerprint: null }),
      target({ id: 'c', name: 'c' }),
    ]);
    run.mockImplementation((t: SshTargetEntity) =>
      t.id === 'a'
        ? Promise.resolve(ok('id1\nid2\n'))
        : Promise.reject(new AppError(ErrorCode.SourceUnreachable, 'down')),
    );
    const hosts = await service.listHosts();
    expect(hosts.map((h) => [h.hostId, h.status, h.containerCount])).toEqual([
      ['a', 'online', 2],
      ['b', 'unknown', null],
      ['c', 'unreachable', null],
    ]);
    expect(run).toHaveBeenCalledTimes(2);
  });
});
