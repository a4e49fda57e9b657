import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  DestroyRef,
  type ElementRef,
  computed,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import type { ContainerState } from '@archnest/contracts';
import { Auth } from '../auth/auth';
import { registerIcons } from '../shell/icons';
import { ExecSession, SOCKET_FACTORY, execUrl } from './exec-session';
import { NOT_REPORTED, can, type ContainerRow } from './sources';
import { TERMINAL_FACTORY, type TerminalLike } from './terminal';

type Phase = 'idle' | 'connecting' | 'open' | 'ended';

/** An interactive shell in the container (admins): xterm.js over the exec WebSocket. */
@Component({
  selector: 'app-exec-terminal',
  imports: [MatButtonModule, MatIconModule, MatProgressBarModule],
  templateUrl: './exec-terminal.html',
  styleUrl: './exec-terminal.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ExecTerminal {
  private readonly auth = inject(Auth);
  private readonly location = inject(DOCUMENT).location;
  private readonly openSocket = inject(SOCKET_FACTORY);
  private readonly createTerminal = inject(TERMINAL_FACTORY);
  private readonly screen = viewChild.required<ElementRef<HTMLElement>>('screen');
  private terminal: TerminalLike | null = null;
  private session: ExecSession | null = null;
  private resizeObserver: ResizeObserver | null = null;

  readonly row = input.required<ContainerRow>();
  readonly state = input.required<ContainerState>();

  protected readonly notReported = NOT_REPORTED;
  protected readonly supported = computed(() => can(this.row(), 'exec'));
  protected readonly running = computed(() => this.state() === 'running');
  protected readonly phase = signal<Phase>('idle');
  protected readonly shell = signal<string | null>(null);
  protected readonly endReason = signal<string | null>(null);
  protected readonly failed = signal(false);

  constructor() {
    registerIcons();
    inject(DestroyRef).onDestroy(() => {
      this.session?.close();
      this.resizeObserver?.disconnect();
      this.terminal?.dispose();
    });
  }

  protected async openShell(): Promise<void> {
    if (this.phase() === 'connecting' || this.phase() === 'open') {
      return;
    }
    this.phase.set('connecting');
    this.endReason.set(null);
    this.failed.set(false);
    let terminal: TerminalLike;
    try {
      terminal = this.terminal ?? (await this.setUpTerminal());
    } catch (error) {
      this.end(
        `The terminal could not load: ${error instanceof Error ? error.message : String(error)}`,
        true,
      );
      return;
    }
    terminal.setInputEnabled(true);
    const { source, hostId, id } = this.row();
    this.session = new ExecSession(
      this.openSocket(execUrl(this.location)),
      {
        type: 'start',
        token: this.auth.token() ?? '',
        source,
        hostId,
        container: id,
        cols: terminal.cols,
        rows: terminal.rows,
      },
      {
        ready: (shell) => {
          this.shell.set(shell);
          this.phase.set('open');
          terminal.focus();
        },
        output: (data) => terminal.write(data),
        ended: (reason, failed) => {
          this.session = null;
          terminal.setInputEnabled(false);
          terminal.write(`\r\n\x1b[2m[${reason}]\x1b[0m\r\n`);
          this.end(reason, failed);
        },
      },
    );
  }

  protected disconnect(): void {
    this.session?.close();
  }

  private end(reason: string, failed: boolean): void {
    this.endReason.set(reason);
    this.failed.set(failed);
    this.phase.set('ended');
  }

  private async setUpTerminal(): Promise<TerminalLike> {
    const host = this.screen().nativeElement;
    const terminal = await this.createTerminal(host);
    terminal.onData((data) => this.session?.sendInput(data));
    terminal.onResize(({ cols, rows }) => this.session?.resize(cols, rows));
    if (typeof ResizeObserver !== 'undefined') {
      this.resizeObserver = new ResizeObserver(() => terminal.fit());
      this.resizeObserver.observe(host);
    }
    this.terminal = terminal;
    return terminal;
  }
}
