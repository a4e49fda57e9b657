import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientChannel } from 'ssh2';
import { CommandShell } from './command-shell';
import { CommandTimeoutError } from './exec-command';
import type { ChannelOpener } from './ssh-connection';

/** A local `sh -c <command>` dressed as an SSH exec channel: the same bytes, no sshd. */
function localChannel(command: string): ClientChannel {
  const child: ChildProcess = spawn('sh', ['-c', command], { stdio: 'pipe' });
  const channel = Object.assign(new EventEmitter(), {
    stderr: child.stderr,
    write: (data: string) => child.stdin?.write(data),
    close: () => child.kill('SIGKILL'),
  });
  child.stdout?.on('data', (chunk: Buffer) => channel.emit('data', chunk));
  child.on('exit', () => channel.emit('close'));
  return channel as unknown as ClientChannel;
}

const opener = (login = ''): ChannelOpener => ({
  openExec: (command) => Promise.resolve(localChannel(`${login}${command}`)),
});

const options = { timeoutMs: 5_000, maxOutputBytes: 1024 * 1024 };

describe('CommandShell', () => {
  const dir = mkdtempSync(join(tmpdir(), 'archnest-shell-'));
  const shells: CommandShell[] = [];
  const open = async (login?: string): Promise<CommandShell> => {
    const shell = await CommandShell.open(opener(login), options);
    shells.push(shell);
    return shell;
  };
  afterEach(() => shells.splice(0).forEach((shell) => shell.close()));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs commands one after the other with their own output and status', async () => {
    const shell = await open();
    await expect(
      shell.run(['sh', '-c', 'echo out; echo err >&2; exit 3'], options),
    ).resolves.toEqual({ stdout: 'out\n', stderr: 'err\n', exitCode: 3, truncated: false });
    await expect(shell.run(['printf', '%s', 'no newline'], options)).resolves.toEqual({
      stdout: 'no newline',
      stderr: '',
      exitCode: 0,
      truncated: false,
    });
    expect(shell.isIdle).toBe(true);
  });

  it('swallows what a login script prints before the first command', async () => {
    const shell = await open('echo motd; echo warning >&2; ');
    await expect(shell.run(['echo', 'hi'], options)).resolves.toMatchObject({
      stdout: 'hi\n',
      stderr: '',
    });
  });

  it('keeps arguments literal and commands away from its own input', async () => {
    const sentinel = join(dir, 'sentinel');
    const shell = await open();
    const hostile = `x'; touch ${sentinel}; '$(touch ${sentinel})\n`;
    expect((await shell.run(['printf', '%s', hostile], options)).stdout).toBe(hostile);
    // A command that reads stdin gets /dev/null, not the commands that follow it.
    expect((await shell.run(['cat'], options)).stdout).toBe('');
    expect((await shell.run(['echo', 'still here'], options)).stdout).toBe('still here\n');
    expect(existsSync(sentinel)).toBe(false);
  });

  it('cannot be fooled by output that imitates the framing', async () => {
    const shell = await open();
    const fake = '\n0\nARCHNEST-END-00000000000000000000000000000000\n';
    const result = await shell.run(['sh', '-c', `printf '${fake}'; exit 5`], options);
    expect(result).toMatchObject({ stdout: fake, exitCode: 5 });
  });

  it('closes itself on a timeout or past the output cap', async () => {
    const slow = await open();
    await expect(slow.run(['sleep', '5'], { ...options, timeoutMs: 50 })).rejects.toBeInstanceOf(
      CommandTimeoutError,
    );
    expect(slow.isOpen).toBe(false);
    const loud = await open();
    const result = await loud.run(['sh', '-c', 'yes | head -c 100000'], {
      ...options,
      maxOutputBytes: 1000,
    });
    expect(result).toMatchObject({ exitCode: null, truncated: true });
    expect(result.stdout).toHaveLength(1000);
    expect(loud.isOpen).toBe(false);
  });

  it('reports a command cut off when the session ends under it', async () => {
    const shell = await open();
    const running = shell.run(['sleep', '5'], options);
    shell.close();
    await expect(running).resolves.toMatchObject({ exitCode: null, truncated: false });
    await expect(shell.run(['true'], options)).rejects.toThrow(/busy or closed/);
  });
});
