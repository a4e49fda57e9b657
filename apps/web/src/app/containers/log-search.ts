import type { AnsiSegment } from './ansi';

/** What a search needs of a line: its text without escapes, and that text lowercased once. */
export interface Searchable {
  plain: string;
  lower: string;
}

/** A compiled search: which lines match, and where in a line (for the highlight). */
export interface LineMatcher {
  test(line: Searchable): boolean;
  /** [start, end) ranges in `plain`, in order, never overlapping. */
  ranges(line: Searchable): [number, number][];
}

export type CompiledSearch =
  { matcher: LineMatcher | null; error: null } | { matcher: null; error: string };

/** A line with hundreds of hits shows the first ones highlighted; the count is per line anyway. */
const MAX_RANGES_PER_LINE = 200;

function textMatcher(query: string): LineMatcher {
  const needle = query.toLowerCase();
  return {
    test: (line) => line.lower.includes(needle),
    ranges: (line) => {
      const ranges: [number, number][] = [];
      for (
        let at = line.lower.indexOf(needle);
        at !== -1 && ranges.length < MAX_RANGES_PER_LINE;
        at = line.lower.indexOf(needle, at + needle.length)
      ) {
        ranges.push([at, at + needle.length]);
      }
      return ranges;
    },
  };
}

function regexMatcher(pattern: RegExp): LineMatcher {
  const global = new RegExp(pattern.source, 'gi');
  return {
    test: (line) => pattern.test(line.plain),
    ranges: (line) => {
      const ranges: [number, number][] = [];
      global.lastIndex = 0;
      for (let m = global.exec(line.plain); m; m = global.exec(line.plain)) {
        if (m[0].length === 0) {
          // An empty match (`a*`, `^`) highlights nothing; step past it or loop forever.
          global.lastIndex++;
        } else {
          ranges.push([m.index, m.index + m[0].length]);
        }
        if (ranges.length >= MAX_RANGES_PER_LINE || global.lastIndex > line.plain.length) {
          break;
        }
      }
      return ranges;
    },
  };
}

/**
 * Compiles what the operator typed: case-insensitive text, or a regular expression when `regex`
 * is on. An invalid expression comes back as an error sentence, never as an exception.
 */
export function compileSearch(query: string, regex: boolean): CompiledSearch {
  if (query === '') {
    return { matcher: null, error: null };
  }
  if (!regex) {
    return { matcher: textMatcher(query), error: null };
  }
  try {
    return { matcher: regexMatcher(new RegExp(query, 'i')), error: null };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { matcher: null, error: `Not a valid regular expression: ${reason}` };
  }
}

export interface HighlightPart extends AnsiSegment {
  hit: boolean;
}

/** Splits ANSI segments at the match ranges so that hits can be marked without losing colour. */
export function highlight(segments: AnsiSegment[], ranges: [number, number][]): HighlightPart[] {
  const parts: HighlightPart[] = [];
  let offset = 0;
  let r = 0;
  for (const segment of segments) {
    const end = offset + segment.text.length;
    let at = offset;
    while (at < end) {
      while (r < ranges.length && ranges[r][1] <= at) {
        r++;
      }
      const range = ranges[r];
      let next: number;
      let hit: boolean;
      if (range === undefined || range[0] >= end) {
        next = end;
        hit = false;
      } else if (range[0] > at) {
        next = range[0];
        hit = false;
      } else {
        next = Math.min(range[1], end);
        hit = true;
      }
      parts.push({ ...segment, text: segment.text.slice(at - offset, next - offset), hit });
      at = next;
    }
    offset = end;
  }
  return parts;
}
