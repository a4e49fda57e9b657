import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

const WIDTH = 64;
const HEIGHT = 20;
/** Room for the stroke at the top and bottom. */
const PAD = 1.5;

/**
 * The SVG path of a series from 0 (bottom) to `max` (top): a missing value breaks the line, and
 * a value alone between gaps is a dot.
 */
export function sparklinePath(values: readonly (number | null)[], max: number): string {
  if (values.length === 0) {
    return '';
  }
  const dx = values.length > 1 ? WIDTH / (values.length - 1) : 0;
  const scale = max > 0 ? (HEIGHT - 2 * PAD) / max : 0;
  const parts: string[] = [];
  let drawing = false;
  values.forEach((value, i) => {
    if (value === null) {
      drawing = false;
      return;
    }
    const x = (i * dx).toFixed(1);
    const y = (HEIGHT - PAD - Math.min(value, max) * scale).toFixed(1);
    const next = values[i + 1];
    if (!drawing) {
      parts.push(`M${x} ${y}`);
      // A lone point: a round-capped stroke of no length shows as a dot.
      if (next === null || next === undefined) {
        parts.push('h0.01');
      }
    } else {
      parts.push(`L${x} ${y}`);
    }
    drawing = true;
  });
  return parts.join(' ');
}

/** A tiny inline-SVG line of a series (no axes); the accessible name says what it shows. */
@Component({
  selector: 'app-sparkline',
  template: `
    <svg
      role="img"
      [attr.aria-label]="label()"
      [attr.viewBox]="viewBox"
      [attr.width]="width"
      [attr.height]="height"
    >
      <line class="baseline" x1="0" [attr.y1]="baseline" [attr.x2]="width" [attr.y2]="baseline" />
      <path [attr.d]="path()" />
    </svg>
  `,
  styles: `
    :host {
      display: inline-flex;
    }
    svg {
      overflow: visible;
    }
    path {
      fill: none;
      stroke: currentColor;
      stroke-width: 1.5;
      stroke-linecap: round;
      stroke-linejoin: round;
    }
    .baseline {
      stroke: var(--mat-sys-outline-variant);
      stroke-width: 1;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Sparkline {
  readonly values = input.required<readonly (number | null)[]>();
  readonly label = input.required<string>();
  /** The top of the scale while the values stay below it. */
  readonly floor = input(1);

  protected readonly width = WIDTH;
  protected readonly height = HEIGHT;
  protected readonly baseline = HEIGHT - PAD;
  protected readonly viewBox = `0 0 ${WIDTH} ${HEIGHT}`;
  protected readonly path = computed(() => {
    const values = this.values();
    const known = values.filter((value) => value !== null);
    return sparklinePath(values, Math.max(this.floor(), ...known));
  });
}
