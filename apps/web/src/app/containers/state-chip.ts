import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { MatChipsModule } from '@angular/material/chips';
import type { ContainerState } from '@archnest/contracts';
import { STATE_LABELS } from './sources';

const TONES: Record<ContainerState, 'good' | 'warn' | 'bad' | 'neutral'> = {
  running: 'good',
  paused: 'warn',
  restarting: 'warn',
  created: 'neutral',
  exited: 'neutral',
  removing: 'warn',
  dead: 'bad',
};

/** A container state as a coloured chip (colour is never the only cue: the label says it). */
@Component({
  selector: 'app-state-chip',
  imports: [MatChipsModule],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <mat-chip-set>
      <mat-chip class="state-chip" disableRipple [attr.data-tone]="tone()">{{ label() }}</mat-chip>
    </mat-chip-set>
  `,
})
export class StateChip {
  readonly state = input.required<ContainerState>();

  protected readonly label = computed(() => STATE_LABELS[this.state()] ?? this.state());
  protected readonly tone = computed(() => TONES[this.state()] ?? 'neutral');
}
