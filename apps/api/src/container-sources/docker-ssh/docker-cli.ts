import { CONTAINER_ACTIONS, LOG_TAIL_MAX, type ContainerAction } from '@archnest/contracts';
import { AppError, ErrorCode } from '../../common/errors/app-error';
import { assertContainerRef } from '../container-ref';

/** How a target runs docker: the binary, and optionally which engine (`docker -H`). */
export interface DockerCli {
  command: string;
  host: string | null;
}

/** A binary name or path; never an option, never shell syntax (it is quoted as well). */
export const DOCKER_COMMAND_PATTERN = /^(?!-)[A-Za-z0-9_./+-]{1,255}$/;
/** `unix:///path` or `tcp://host:port` on the target. */
export const DOCKER_HOST_PATTERN =
  /^(unix:\/\/\/[A-Za-z0-9_./-]{1,240}|tcp:\/\/[A-Za-z0-9.-]{1,200}:[0-9]{1,5})$/;

export type ShellName = 'bash' | 'sh';

/** Environment marker of an exec session's processes, so they can be found and ended. */
export const EXEC_SESSION_ENV = 'ARCHNEST_EXEC_SESSION';
const SESSION_ID = /^[a-f0-9]{32}$/;

function base(cli: DockerCli): string[] {
  if (!DOCKER_COMMAND_PATTERN.test(cli.command)) {
    throw new AppError(ErrorCode.BadRequest, 'dockerCommand is not a valid command path');
  }
  if (cli.host !== null && !DOCKER_HOST_PATTERN.test(cli.host)) {
    throw new AppError(ErrorCode.BadRequest, 'dockerHost must be unix:///path or tcp://host:port');
  }
  return cli.host === null ? [cli.command] : [cli.command, '-H', cli.host];
}

/** `--` ends docker's options: a ref can never be read as one (it cannot start with `-` either). */
function withRef(cli: DockerCli, args: string[], ref: string): string[] {
  return [...base(cli), ...args, '--', assertContainerRef(ref)];
}

export const dockerCli = {
  version: (cli: DockerCli): string[] => [
    ...base(cli),
    'version',
    '--format',
    '{{json .Server.Version}}',
  ],

  /** Every container, one JSON object per line. */
  ps: (cli: DockerCli): string[] => [
    ...base(cli),
    'ps',
    '-a',
    '--no-trunc',
    '--format',
    '{{json .}}',
  ],

  /** Only ids: the cheap probe behind a host's status and container count. */
  psIds: (cli: DockerCli): string[] => [...base(cli), 'ps', '-a', '-q'],

  inspect: (cli: DockerCli, ref: string): string[] =>
    withRef(cli, ['inspect', '--type', 'container'], ref),

  /** Timestamps always: they order stdout and stderr lines into one stream. */
  logs: (cli: DockerCli, ref: string, tail: number, window: LogWindow = {}): string[] => {
    const args = ['logs', '--tail', tailArg(tail, 1), '--timestamps', ...windowArgs(window)];
    return withRef(cli, args, ref);
  },

  /**
   * `docker logs --follow`, ended when the SSH channel closes: closing a channel without a pty
   * does not stop its command, so a watchdog waits for the channel's stdin to close and then
   * kills the command (which `exec` made the shell's own process, hence `$$`).
   */
  followLogs: (cli: DockerCli, ref: string, tail: number, since?: Date): string[] => [
    'sh',
    '-c',
    FOLLOW_WATCHDOG,
    'sh',
    ...withRef(
      cli,
      ['logs', '--follow', '--tail', tailArg(tail, 0), '--timestamps', ...windowArgs({ since })],
      ref,
    ),
  ],

  /** One sample of every running container (the metrics history's sampler). */
  statsAll: (cli: DockerCli): string[] => [
    ...base(cli),
    'stats',
    '--no-stream',
    '--format',
    '{{json .}}',
  ],

  stats: (cli: DockerCli, ref: string): string[] =>
    withRef(cli, ['stats', '--no-stream', '--no-trunc', '--format', '{{json .}}'], ref),

  action: (cli: DockerCli, action: ContainerAction, ref: string, force = false): string[] =>
    withRef(cli, actionArgs(action, force), ref),

  /** Exit 0 when the container has bash; anything else means fall back to sh. */
  hasBash: (cli: DockerCli, ref: string): string[] => [
    ...withRef(cli, ['exec'], ref),
    'bash',
    '-c',
    'exit 0',
  ],

  /** The interactive shell, its processes marked with the session id. */
  shell: (cli: DockerCli, ref: string, shell: ShellName, sessionId: string): string[] => [
    ...withRef(cli, ['exec', '-i', '-t', '-e', `${EXEC_SESSION_ENV}=${session(sessionId)}`], ref),
    shell,
  ],

  /**
   * Kills every process in the container that carries the session's marker: the shell and
   * anything started from it. `docker exec` processes outlive a dropped client otherwise.
   */
  endShell: (cli: DockerCli, ref: string, shell: ShellName, sessionId: string): string[] => [
    ...withRef(cli, ['exec'], ref),
    shell,
    '-c',
    `for p in /proc/[0-9]*; do if grep -q '${EXEC_SESSION_ENV}=${session(sessionId)}' "$p/environ" 2>/dev/null; then kill -9 "\${p#/proc/}" 2>/dev/null; fi; done; exit 0`,
  ],
};

/** Times of `docker logs --since/--until`; an ISO string is one argument, never an option. */
export interface LogWindow {
  since?: Date;
  until?: Date;
}

const FOLLOW_WATCHDOG =
  'exec 3<&0; (cat <&3 >/dev/null 2>&1; kill $$ 2>/dev/null) >/dev/null 2>&1 & exec "$@"';

function tailArg(tail: number, min: number): string {
  if (!Number.isInteger(tail) || tail < min || tail > LOG_TAIL_MAX) {
    throw new AppError(ErrorCode.BadRequest, `tail must be between ${min} and ${LOG_TAIL_MAX}`);
  }
  return String(tail);
}

function windowArgs({ since, until }: LogWindow): string[] {
  return [
    ...(since ? ['--since', since.toISOString()] : []),
    ...(until ? ['--until', until.toISOString()] : []),
  ];
}

function session(id: string): string {
  if (!SESSION_ID.test(id)) {
    throw new Error('An exec session id is 32 lowercase hex characters');
  }
  return id;
}

/** The whitelist: an action maps to exactly these docker arguments, or it is refused. */
function actionArgs(action: ContainerAction, force: boolean): string[] {
  switch (action) {
    case 'start':
    case 'stop':
    case 'restart':
    case 'pause':
    case 'unpause':
      return [action];
    case 'remove':
      return force ? ['rm', '--force'] : ['rm'];
    default:
      throw new AppError(
        ErrorCode.BadRequest,
        `action must be one of ${CONTAINER_ACTIONS.join(', ')}`,
      );
  }
}
