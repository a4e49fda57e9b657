import type { Duplex } from 'node:stream';
import type { AuthUser } from '../../common/decorators/current-user.decorator';
import type { StartMessage } from './exec-messages';

/** A running exec: its TTY stream plus the calls that act on it, each with a deadline. */
export interface ExecHandle {
  shell: string;
  /** Audit target, `<source>:<host>/<container>`. */
  target: string;
  stream: Duplex;
  resize(cols: number, rows: number): Promise<void>;
  /** The exit code once the process ended; null if it still runs or the engine is gone. */
  exitCode(): Promise<number | null>;
  /**
   * Ends whatever the session left running in the container (Docker keeps exec processes alive
   * after their client is gone). Called once the session is over, however it ended.
   */
  terminate?(): Promise<void>;
}

/** What a source provides to serve the exec protocol: open a shell, audit its end. */
export interface ExecBackend {
  open(actor: AuthUser, start: StartMessage): Promise<ExecHandle>;
  recordEnd(actor: AuthUser, target: string, detail: string): Promise<void>;
}
