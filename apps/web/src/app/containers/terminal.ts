import { DOCUMENT, InjectionToken, inject } from '@angular/core';

/** What the exec view needs of a terminal emulator; xterm.js in the app, a fake in tests. */
export interface TerminalLike {
  readonly cols: number;
  readonly rows: number;
  write(data: string): void;
  onData(listener: (data: string) => void): void;
  onResize(listener: (size: { cols: number; rows: number }) => void): void;
  /** Resizes the grid to the host element (xterm's fit addon). */
  fit(): void;
  focus(): void;
  setInputEnabled(enabled: boolean): void;
  dispose(): void;
}

export type TerminalFactory = (host: HTMLElement) => Promise<TerminalLike>;

/** A dark terminal in both themes, as operators expect of a shell. */
const THEME = {
  background: '#1b1b1f',
  foreground: '#e4e2e6',
  cursor: '#a8c7fa',
  selectionBackground: '#44474e',
};

/** xterm's stylesheet is its own bundle (angular.json, inject: false), loaded with the terminal. */
function loadStylesheet(document: Document): void {
  if (!document.querySelector('link[data-xterm]')) {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = 'xterm.css';
    link.dataset['xterm'] = '';
    document.head.appendChild(link);
  }
}

/** xterm ships UMD bundles: the bundler may hand back their exports under `default`. */
function commonJs<T extends object>(module: T): T {
  const wrapped = (module as { default?: T }).default;
  return Object.keys(module).length <= 1 && wrapped ? wrapped : module;
}

export const TERMINAL_FACTORY = new InjectionToken<TerminalFactory>('TERMINAL_FACTORY', {
  factory: () => {
    const document = inject(DOCUMENT);
    return async (host) => {
      loadStylesheet(document);
      // Loaded on first use: xterm.js stays out of every bundle until an admin opens a shell.
      const [xterm, fitModule] = await Promise.all([
        import('@xterm/xterm'),
        import('@xterm/addon-fit'),
      ]);
      const { Terminal } = commonJs(xterm);
      const { FitAddon } = commonJs(fitModule);
      const terminal = new Terminal({
        cursorBlink: true,
        fontFamily: "'Roboto Mono', ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
        fontSize: 13,
        scrollback: 5000,
        theme: THEME,
      });
      const fitAddon = new FitAddon();
      terminal.loadAddon(fitAddon);
      terminal.open(host);
      const fit = () => {
        if (host.clientWidth > 0 && host.clientHeight > 0) {
          fitAddon.fit();
        }
      };
      fit();
      return {
        get cols() {
          return terminal.cols;
        },
        get rows() {
          return terminal.rows;
        },
        write: (data) => terminal.write(data),
        onData: (listener) => void terminal.onData(listener),
        onResize: (listener) => void terminal.onResize(listener),
        fit,
        focus: () => terminal.focus(),
        setInputEnabled: (enabled) => {
          terminal.options.disableStdin = !enabled;
          terminal.options.cursorBlink = enabled;
        },
        dispose: () => terminal.dispose(),
      };
    };
  },
});
