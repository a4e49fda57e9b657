import { ErrorCode } from '../../common/errors/app-error';
import { CommandTimeoutError, type CommandResult } from '../../ssh/exec-command';
import type { SshPool } from '../../ssh/ssh-pool';
import { DockerSshRunner } from './docker-ssh.runner';
import type { SshTargetChains } from './ssh-target-chains';
import type { SshTargetEntity } from './ssh-target.entity';

const target = {
  id: 't1',
  name: 'box',
  host: '10.0.0.5',
  port: 22,
  updatedAt: new Date(0),
} as SshTargetEntity;

const result = (over: Partial<CommandResult> = {}): CommandResult => ({
  stdout: 'ok',
  stderr: '',
  exitCode: 0,
  truncated: false,
  ...over,
});

function setup() {
  const run = jest.fn((): Promise<CommandResult> => Promise.resolve(result()));
  const chains = { poolTarget: () => ({ id: 't1' }) } as unknown as SshTargetChains;
  return { run, runner: new DockerSshRunner({ run } as unknown as SshPool, chains) };
}

describe('DockerSshRunner', () => {
  it('lets overlapping identical reads share one command, and nothing else', async () => {
    const { run, runner } = setup();
    let finish: (value: CommandResult) => void = () => undefined;
    run.mockImplementationOnce(() => new Promise((resolve) => (finish = resolve)));
    const reads = [
      runner.read(target, ['docker', 'ps'], 'ps'),
      runner.read(target, ['docker', 'ps'], 'ps'),
    ];
    const other = runner.read(target, ['docker', 'inspect', '--', 'web'], 'inspect');
    finish(result({ stdout: 'shared' }));
    expect((await Promise.all(reads)).map((r) => r.stdout)).toEqual(['shared', 'shared']);
    await other;
    await runner.read(target, ['docker', 'ps'], 'ps');
    await Promise.all([
      runner.run(target, ['docker', 'stop'], 'stop'),
      runner.run(target, ['docker', 'stop'], 'stop'),
    ]);
    expect(run).toHaveBeenCalledTimes(5);
  });

  it('turns failures into errors a client can read', async () => {
    const { run, runner } = setup();
    run.mockResolvedValueOnce(result({ exitCode: 1, stderr: 'Error: No such container: web' }));
    await expect(runner.run(target, ['docker'], 'inspect web')).rejects.toMatchObject({
      code: ErrorCode.NotFound,
    });
    run.mockResolvedValueOnce(result({ exitCode: null }));
    await expect(runner.run(target, ['docker'], 'ps')).rejects.toThrow(/cut off/);
    run.mockRejectedValueOnce(new CommandTimeoutError(15_000));
    await expect(runner.run(target, ['docker'], 'ps')).rejects.toMatchObject({
      code: ErrorCode.SourceTimeout,
    });
    run.mockResolvedValueOnce(result({ exitCode: null, truncated: true }));
    await expect(runner.run(target, ['docker'], 'ps')).rejects.toThrow(/more than/);
    run.mockResolvedValueOnce(result({ exitCode: null, truncated: true }));
    await expect(
      runner.run(target, ['docker'], 'logs', { allowTruncated: true }),
    ).resolves.toMatchObject({
      truncated: true,
    });
    expect(runner.lastSeen('t1')).toBeInstanceOf(Date);
  });
});
