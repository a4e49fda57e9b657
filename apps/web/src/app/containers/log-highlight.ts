import { Pipe, type PipeTransform } from '@angular/core';
import type { AnsiSegment } from './ansi';
import type { LogLineEntry } from './log-buffer';
import { highlight, type LineMatcher } from './log-search';

export type LinePart = AnsiSegment & { hit?: boolean };

/**
 * A line's segments with the search hits split out. Pure: Angular runs it again only when the
 * line or the search changes, never on an unrelated change detection (a row scrolled into view
 * or a new search costs one pass over that line; nothing else does).
 */
@Pipe({ name: 'logHighlight' })
export class LogHighlight implements PipeTransform {
  transform(line: LogLineEntry, matcher: LineMatcher | null): readonly LinePart[] {
    if (matcher === null || !matcher.test(line)) {
      return line.segments;
    }
    return highlight(line.segments, matcher.ranges(line));
  }
}
