import { DatePipe, NgTemplateOutlet } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { ContainerDetail, HealthState } from '@archnest/contracts';
import { duration, knownDate, shortId } from './format';
import { NOT_REPORTED, STATE_LABELS } from './sources';

const HEALTH_LABELS: Record<HealthState, string> = {
  healthy: 'Healthy',
  unhealthy: 'Unhealthy',
  starting: 'Starting',
  none: 'No health check',
};

/** Overview, state & health, and command of one container. */
@Component({
  selector: 'app-container-overview',
  imports: [DatePipe, NgTemplateOutlet],
  templateUrl: './container-overview.html',
  styleUrl: './container-overview.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ContainerOverview {
  readonly detail = input.required<ContainerDetail>();

  protected readonly notReported = NOT_REPORTED;
  protected readonly view = computed(() => {
    const d = this.detail();
    const [image, tag] = splitImage(d.image);
    const stopped = d.state === 'exited' || d.state === 'dead' || d.state === 'created';
    return {
      image,
      tag,
      imageId: d.imageId,
      shortImageId: d.imageId ? shortId(d.imageId) : null,
      shortId: shortId(d.id),
      created: knownDate(d.createdAt),
      started: knownDate(d.startedAt),
      finished: stopped ? knownDate(d.finishedAt) : null,
      uptime:
        d.state === 'running' || d.state === 'paused' ? duration(knownDate(d.startedAt)) : null,
      state: STATE_LABELS[d.state] ?? d.state,
      health: d.health === null ? null : HEALTH_LABELS[d.health],
      exitCode: stopped && d.state !== 'created' ? d.exitCode : null,
      stopped,
    };
  });
}

/** "nginx:1.27" → ["nginx", "1.27"]; a registry port or a digest is not a tag. */
function splitImage(image: string): [string, string | null] {
  const at = image.indexOf('@');
  if (at >= 0) {
    return [image.slice(0, at), image.slice(at + 1)];
  }
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/')
    ? [image.slice(0, colon), image.slice(colon + 1)]
    : [image, null];
}
