import type { SourceKind } from '@archnest/contracts';
import type { Duplex } from 'node:stream';

/** What a source needs to open a shell: the terminal size and the preferred shell. */
export interface ExecRequest {
  cols: number;
  rows: number;
  /** Preferred shell; sources fall back to sh. */
  shell?: 'bash' | 'sh';
}

/** A running exec as a source opens it: its TTY stream plus the calls that act on it. */
export interface SourceExec {
  shell: string;
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

/** A source's exec as the gateway keeps it: which source, and its audit target. */
export interface ExecHandle extends SourceExec {
  source: SourceKind;
  /** Audit target, `<source>:<host name>/<container>`. */
  target: string;
}
