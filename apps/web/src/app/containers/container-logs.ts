import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { LogTarget } from './log-targets';
import { LogViewer } from './log-viewer';
import { NOT_REPORTED, can, type ContainerRow } from './sources';

/** A container's Logs section: the shared viewer, following live by default. */
@Component({
  selector: 'app-container-logs',
  imports: [LogViewer],
  templateUrl: './container-logs.html',
  styleUrl: './container-logs.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ContainerLogs {
  readonly row = input.required<ContainerRow>();

  protected readonly notReported = NOT_REPORTED;
  protected readonly supported = computed(() => can(this.row(), 'logs'));
  /** By id: the one ref that survives a rename. */
  protected readonly targets = computed<LogTarget[]>(() => {
    const { source, hostId, id, name, hostName } = this.row();
    return [{ source, hostId, id, name, hostName }];
  });
}
