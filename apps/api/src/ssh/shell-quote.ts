/**
 * Quoting for the remote POSIX login shell that sshd runs a command with. Every argument is
 * single-quoted, so nothing inside it is expanded; a single quote becomes `'\''`.
 */
export function quoteShellArg(value: string): string {
  if (value.includes('\0')) {
    throw new Error('A shell argument cannot contain a NUL byte');
  }
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** One command line from an argv, every element quoted. */
export function toShellCommand(argv: readonly string[]): string {
  if (argv.length === 0) {
    throw new Error('An empty command cannot be run');
  }
  return argv.map(quoteShellArg).join(' ');
}
