import { AppError, ErrorCode } from '../../common/errors/app-error';
import type { CommandResult } from '../../ssh/exec-command';

const MAX_DETAIL = 300;

/** The first line docker printed on stderr (or stdout), trimmed and bounded. */
function firstLine(result: CommandResult): string {
  const text = (result.stderr.trim() || result.stdout.trim()).split('\n')[0] ?? '';
  const line = text.replace(/^Error( response from daemon)?:\s*/i, '').trim();
  return line.length > MAX_DETAIL ? `${line.slice(0, MAX_DETAIL)}…` : line;
}

interface Rule {
  test: (result: CommandResult) => boolean;
  error: (target: string, what: string, detail: string) => AppError;
}

const RULES: Rule[] = [
  {
    test: (r) => /No such container/i.test(r.stderr),
    error: (target, what) =>
      new AppError(ErrorCode.NotFound, `${what}: no such container on target '${target}'`),
  },
  {
    test: (r) =>
      /is not running|is already paused|is not paused|is paused|is restarting|cannot remove a running container|conflict/i.test(
        r.stderr,
      ),
    error: (_target, what, detail) => new AppError(ErrorCode.Conflict, `${what}: ${detail}`),
  },
  {
    test: (r) => /permission denied.*docker|docker.*permission denied/i.test(r.stderr),
    error: (target) =>
      new AppError(
        ErrorCode.SourceUnreachable,
        `The SSH user on target '${target}' may not use the Docker engine (permission denied): ` +
          'add it to the docker group',
      ),
  },
  {
    test: (r) => r.exitCode === 127,
    error: (target) =>
      new AppError(
        ErrorCode.SourceUnreachable,
        `The docker command was not found on target '${target}': check the target's dockerCommand`,
      ),
  },
  {
    test: (r) => /Cannot connect to the Docker daemon|error during connect/i.test(r.stderr),
    error: (target, _what, detail) =>
      new AppError(
        ErrorCode.SourceUnreachable,
        `The Docker engine on target '${target}' is not reachable: ${detail}`,
      ),
  },
];

/** A docker command that exited non-zero, as the error a client can act on. */
export function dockerFailure(target: string, what: string, result: CommandResult): AppError {
  const detail = firstLine(result);
  const rule = RULES.find((candidate) => candidate.test(result));
  if (rule) {
    return rule.error(target, what, detail);
  }
  return new AppError(
    ErrorCode.SourceUnreachable,
    `${what} failed on target '${target}' (exit ${result.exitCode ?? 'none'})${detail ? `: ${detail}` : ''}`,
  );
}
