import type { ContainerAction } from '@archnest/contracts';
import { AppError } from '../../common/errors/app-error';
import { dockerCli, type DockerCli } from './docker-cli';

const cli: DockerCli = { command: 'docker', host: null };
const remote: DockerCli = { command: '/usr/bin/docker', host: 'unix:///run/user/1000/docker.sock' };
const SESSION = 'a'.repeat(32);

describe('docker CLI commands', () => {
  it('puts the engine option first and the ref after `--`', () => {
    expect(dockerCli.inspect(remote, 'web')).toEqual([
      '/usr/bin/docker',
      '-H',
      'unix:///run/user/1000/docker.sock',
      'inspect',
      '--type',
      'container',
      '--',
      'web',
    ]);
    expect(dockerCli.logs(cli, 'web', 50)).toEqual([
      'docker',
      'logs',
      '--tail',
      '50',
      '--timestamps',
      '--',
      'web',
    ]);
  });

  it.each([
    ['start', ['start']],
    ['stop', ['stop']],
    ['restart', ['restart']],
    ['pause', ['pause']],
    ['unpause', ['unpause']],
    ['remove', ['rm']],
  ] as const)('maps the %s action to exactly its verb', (action, args) => {
    expect(dockerCli.action(cli, action, 'web')).toEqual(['docker', ...args, '--', 'web']);
  });

  it('adds --force only to remove', () => {
    expect(dockerCli.action(cli, 'remove', 'web', true)).toEqual([
      'docker',
      'rm',
      '--force',
      '--',
      'web',
    ]);
    expect(dockerCli.action(cli, 'stop', 'web', true)).toEqual(['docker', 'stop', '--', 'web']);
  });

  it.each(['kill', 'exec', 'rm', 'run', 'start --privileged', ''])(
    'refuses the verb %j',
    (verb) => {
      expect(() => dockerCli.action(cli, verb as ContainerAction, 'web')).toThrow(AppError);
    },
  );

  it.each(['-f', 'a;b', '$(id)', 'a b', 'ü', 'x'.repeat(200), '', "a'b"])(
    'refuses the ref %j before building anything',
    (ref) => {
      expect(() => dockerCli.inspect(cli, ref)).toThrow(/container must be/);
      expect(() => dockerCli.shell(cli, ref, 'sh', SESSION)).toThrow(/container must be/);
    },
  );

  it('refuses a docker command or host that is not plainly a path or an engine URL', () => {
    expect(() => dockerCli.ps({ command: '-H', host: null })).toThrow(/dockerCommand/);
    expect(() => dockerCli.ps({ command: 'docker;id', host: null })).toThrow(/dockerCommand/);
    expect(() => dockerCli.ps({ command: 'docker', host: 'ssh://x' })).toThrow(/dockerHost/);
    expect(dockerCli.ps({ command: 'docker', host: 'tcp://127.0.0.1:2375' })).toContain('-H');
  });

  it('passes a log window as single ISO arguments', () => {
    const window = { since: new Date('2026-12-07T10:00:00Z'), until: new Date(1_765_101_600_500) };
    expect(dockerCli.logs(cli, 'web', 5, window).slice(1, -2)).toEqual([
      'logs',
      '--tail',
      '5',
      '--timestamps',
      '--since',
      '2026-12-07T10:00:00.000Z',
      '--until',
      new Date(1_765_101_600_500).toISOString(),
    ]);
  });

  it('follows logs under a watchdog that ends docker when the channel closes', () => {
    const argv = dockerCli.followLogs(cli, 'web', 0);
    expect(argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(argv[2]).toMatch(/^exec 3<&0; \(cat <&3 .*kill \$\$.*& exec "\$@"$/);
    expect(argv.slice(3)).toEqual([
      'sh',
      'docker',
      'logs',
      '--follow',
      '--tail',
      '0',
      '--timestamps',
      '--',
      'web',
    ]);
    expect(() => dockerCli.followLogs(cli, 'x;id', 0)).toThrow();
    expect(() => dockerCli.followLogs(cli, 'web', -1)).toThrow(/tail must be between 0/);
  });

  it('bounds the log tail', () => {
    expect(() => dockerCli.logs(cli, 'web', 0)).toThrow(/tail/);
    expect(() => dockerCli.logs(cli, 'web', 5001)).toThrow(/tail/);
  });

  it('marks exec sessions with a strict id', () => {
    expect(dockerCli.shell(cli, 'web', 'bash', SESSION)).toEqual([
      'docker',
      'exec',
      '-i',
      '-t',
      '-e',
      `ARCHNEST_EXEC_SESSION=${SESSION}`,
      '--',
      'web',
      'bash',
    ]);
    expect(() => dockerCli.endShell(cli, 'web', 'sh', "x' ; id '")).toThrow(/session id/);
    expect(dockerCli.endShell(cli, 'web', 'sh', SESSION).at(-1)).toContain(SESSION);
  });
});
