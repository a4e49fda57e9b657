import { ErrorCode } from '../../common/errors/app-error';
import type { CommandResult } from '../../ssh/exec-command';
import { dockerFailure } from './docker-cli-errors';

const failed = (stderr: string, exitCode = 1): CommandResult => ({
  stdout: '',
  stderr,
  exitCode,
  truncated: false,
});

describe('docker CLI failures', () => {
  it.each([
    [
      'Error response from daemon: No such container: web\n',
      ErrorCode.NotFound,
      /no such container/,
    ],
    [
      'Error response from daemon: Container 9521 is already paused\n',
      ErrorCode.Conflict,
      /pause web: Container 9521 is already paused$/,
    ],
    [
      'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock',
      ErrorCode.SourceUnreachable,
      /docker group/,
    ],
    [
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      ErrorCode.SourceUnreachable,
      /engine on target 'box' is not reachable/,
    ],
    [
      'something odd\nsecond line',
      ErrorCode.SourceUnreachable,
      /failed .*exit 1\): something odd$/,
    ],
  ])('maps %j', (stderr, code, message) => {
    const error = dockerFailure('box', 'pause web', failed(stderr));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it('names a missing docker binary', () => {
    expect(dockerFailure('box', 'ps', failed('sh: docker: not found', 127)).message).toMatch(
      /docker command was not found on target 'box'/,
    );
  });

  it('bounds what it echoes', () => {
    expect(dockerFailure('box', 'ps', failed('x'.repeat(5000))).message.length).toBeLessThan(400);
  });
});
