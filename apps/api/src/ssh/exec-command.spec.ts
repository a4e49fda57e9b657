import { EventEmitter } from 'node:events';
import type { ClientChannel } from 'ssh2';
import { CommandTimeoutError, execCommand } from './exec-command';
import type { ChannelOpener } from './ssh-connection';

/** A channel that replays a script of events; close() ends it like a server would. */
class ScriptedChannel extends EventEmitter {
  readonly stderr = new EventEmitter();
  closed = false;

  close(): void {
    if (!this.closed) {
      this.closed = true;
      setImmediate(() => this.emit('close'));
    }
  }
}

function opener(play: (channel: ScriptedChannel) => void): ChannelOpener & { commands: string[] } {
  const commands: string[] = [];
  return {
    commands,
    openExec: (command) => {
      commands.push(command);
      const channel = new ScriptedChannel();
      setImmediate(() => play(channel));
      return Promise.resolve(channel as unknown as ClientChannel);
    },
  };
}

const finish = (channel: ScriptedChannel, code: number): void => {
  channel.emit('exit', code);
  channel.close();
};

describe('execCommand', () => {
  it('sends the argv quoted and returns stdout, stderr and the exit code', async () => {
    const conn = opener((channel) => {
      channel.emit('data', Buffer.from('out'));
      channel.stderr.emit('data', Buffer.from('err'));
      finish(channel, 3);
    });
    await expect(execCommand(conn, ['docker', 'ps', "it's"])).resolves.toEqual({
      stdout: 'out',
      stderr: 'err',
      exitCode: 3,
      truncated: false,
    });
    expect(conn.commands).toEqual([`'docker' 'ps' 'it'\\''s'`]);
  });

  it('stops at the output cap and says so', async () => {
    const conn = opener((channel) => {
      channel.emit('data', Buffer.from('0123456789'));
      channel.emit('data', Buffer.from('more'));
    });
    const result = await execCommand(conn, ['cat'], { timeoutMs: 1_000, maxOutputBytes: 4 });
    expect(result).toEqual({ stdout: '0123', stderr: '', exitCode: null, truncated: true });
  });

  it('closes the channel and rejects when the command outlives its timeout', async () => {
    let seen: ScriptedChannel | undefined;
    const conn = opener((channel) => (seen = channel));
    await expect(
      execCommand(conn, ['sleep', '60'], { timeoutMs: 30, maxOutputBytes: 100 }),
    ).rejects.toBeInstanceOf(CommandTimeoutError);
    expect(seen?.closed).toBe(true);
  });
});
