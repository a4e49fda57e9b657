/**
 * A small, safe ANSI renderer for container logs: SGR colour and style codes become segments
 * that the template renders as text inside spans (never as HTML). Every other escape sequence
 * (cursor movement, OSC titles, …) is dropped.
 */
export interface AnsiSegment {
  text: string;
  /** CSS classes: ansi-fg-N / ansi-bg-N (N 0-15), ansi-bold, ansi-dim, ansi-italic, ansi-underline. */
  classes: string;
  /** rgb() colours for 256-colour and true-colour codes; built from numbers only. */
  color: string | null;
  background: string | null;
}

interface Style {
  fg: number | string | null;
  bg: number | string | null;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
}

const PLAIN: Style = {
  fg: null,
  bg: null,
  bold: false,
  dim: false,
  italic: false,
  underline: false,
  inverse: false,
};

// CSI sequences (ESC [ params final), OSC sequences (ESC ] … BEL or ESC \), other two-byte escapes.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[([0-9;:?]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?/g;
// Control characters other than tab that would show as boxes.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f]/g;

/** The xterm 256-colour palette beyond the 16 named colours, as rgb(). */
function palette256(index: number): string | number | null {
  if (!Number.isInteger(index) || index < 0 || index > 255) {
    return null;
  }
  if (index < 16) {
    return index;
  }
  if (index >= 232) {
    const level = 8 + (index - 232) * 10;
    return `rgb(${level}, ${level}, ${level})`;
  }
  const cube = index - 16;
  const step = (n: number) => (n === 0 ? 0 : 55 + n * 40);
  return `rgb(${step(Math.floor(cube / 36))}, ${step(Math.floor(cube / 6) % 6)}, ${step(cube % 6)})`;
}

function channel(value: number | undefined): number | null {
  return value !== undefined && Number.isInteger(value) && value >= 0 && value <= 255
    ? value
    : null;
}

/** Reads an extended colour (38/48 ;5;n or ;2;r;g;b); returns the colour and codes consumed. */
function extendedColour(codes: number[], at: number): [number | string | null, number] {
  if (codes[at + 1] === 5) {
    return [palette256(codes[at + 2] ?? -1), 2];
  }
  if (codes[at + 1] === 2) {
    const [r, g, b] = [channel(codes[at + 2]), channel(codes[at + 3]), channel(codes[at + 4])];
    return [r === null || g === null || b === null ? null : `rgb(${r}, ${g}, ${b})`, 4];
  }
  return [null, 0];
}

function applySgr(style: Style, params: string): Style {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  let next = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i];
    if (code === 0) {
      next = { ...PLAIN };
    } else if (code === 1) {
      next.bold = true;
    } else if (code === 2) {
      next.dim = true;
    } else if (code === 3) {
      next.italic = true;
    } else if (code === 4) {
      next.underline = true;
    } else if (code === 7) {
      next.inverse = true;
    } else if (code === 22) {
      next.bold = false;
      next.dim = false;
    } else if (code === 23) {
      next.italic = false;
    } else if (code === 24) {
      next.underline = false;
    } else if (code === 27) {
      next.inverse = false;
    } else if (code >= 30 && code <= 37) {
      next.fg = code - 30;
    } else if (code >= 90 && code <= 97) {
      next.fg = code - 90 + 8;
    } else if (code === 39) {
      next.fg = null;
    } else if (code >= 40 && code <= 47) {
      next.bg = code - 40;
    } else if (code >= 100 && code <= 107) {
      next.bg = code - 100 + 8;
    } else if (code === 49) {
      next.bg = null;
    } else if (code === 38 || code === 48) {
      const [colour, used] = extendedColour(codes, i);
      if (code === 38) {
        next.fg = colour;
      } else {
        next.bg = colour;
      }
      i += used;
    }
  }
  return next;
}

function toSegment(text: string, style: Style): AnsiSegment {
  const [fg, bg] = style.inverse
    ? [style.bg ?? 'inverse-fg', style.fg ?? 'inverse-bg']
    : [style.fg, style.bg];
  const classes: string[] = [];
  if (typeof fg === 'number') {
    classes.push(`ansi-fg-${fg}`);
  } else if (fg === 'inverse-fg') {
    classes.push('ansi-fg-inverse');
  }
  if (typeof bg === 'number') {
    classes.push(`ansi-bg-${bg}`);
  } else if (bg === 'inverse-bg') {
    classes.push('ansi-bg-inverse');
  }
  for (const flag of ['bold', 'dim', 'italic', 'underline'] as const) {
    if (style[flag]) {
      classes.push(`ansi-${flag}`);
    }
  }
  const isRgb = (value: number | string | null): value is string =>
    typeof value === 'string' && value.startsWith('rgb(');
  return {
    text,
    classes: classes.join(' '),
    color: isRgb(fg) ? fg : null,
    background: isRgb(bg) ? bg : null,
  };
}

/** Splits one line of terminal output into styled text segments. */
export function parseAnsi(line: string): AnsiSegment[] {
  const segments: AnsiSegment[] = [];
  let style: Style = { ...PLAIN };
  let at = 0;
  const push = (raw: string) => {
    const text = raw.replace(CONTROLS, '');
    if (text) {
      segments.push(toSegment(text, style));
    }
  };
  for (const match of line.matchAll(ESCAPES)) {
    push(line.slice(at, match.index));
    at = match.index + match[0].length;
    if (match[2] === 'm' && match[1] !== undefined && !match[1].includes('?')) {
      style = applySgr(style, match[1]);
    }
  }
  push(line.slice(at));
  return segments;
}
