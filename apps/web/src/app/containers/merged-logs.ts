import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { ActivatedRoute, RouterLink } from '@angular/router';
import { LOG_FOLLOW_LIMITS, type ContainerHost } from '@archnest/contracts';
import { map } from 'rxjs';
import { ContainersApi } from './containers-api';
import { parseLogTarget, type LogTarget } from './log-targets';
import { LogViewer } from './log-viewer';
import { hostKey } from './sources';

/** Several containers' logs merged into one view; the selection lives in the address. */
@Component({
  selector: 'app-merged-logs',
  imports: [LogViewer, MatButtonModule, RouterLink],
  template: `
    <div class="header">
      <h1>Merged logs</h1>
      <a mat-button routerLink="/containers">Back to containers</a>
    </div>
    @if (skipped() > 0) {
      <p class="muted">
        {{ skipped() }} of the containers in the address were left out: a merge follows at most
        {{ max }} valid containers.
      </p>
    }
    @if (targets().length === 0) {
      <p class="empty-state">
        No containers to show. Select rows on the Containers page and choose "Merge logs".
      </p>
    } @else {
      <p class="muted names">{{ names() }}</p>
      <app-log-viewer [targets]="targets()" label="Merged logs" fileName="merged-logs" />
    }
  `,
  styles: `
    :host {
      display: block;
      --log-height: max(300px, calc(100vh - 400px));
    }
    .header {
      display: flex;
      align-items: baseline;
      gap: 16px;
    }
    .names {
      margin: 0 0 8px;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MergedLogs {
  private readonly hosts = signal<ContainerHost[]>([]);
  private readonly requested = toSignal(
    inject(ActivatedRoute).queryParamMap.pipe(map((params) => params.getAll('c'))),
    { initialValue: [] as string[] },
  );
  private readonly parsed = computed(() =>
    this.requested()
      .map(parseLogTarget)
      .filter((target) => target !== null),
  );

  protected readonly max = LOG_FOLLOW_LIMITS.maxContainers;
  protected readonly skipped = computed(
    () => this.requested().length - Math.min(this.parsed().length, this.max),
  );
  protected readonly targets = computed<LogTarget[]>(() => {
    const names = new Map(this.hosts().map((host) => [hostKey(host), host.name]));
    return this.parsed()
      .slice(0, this.max)
      .map((target) => ({ ...target, hostName: names.get(hostKey(target)) ?? target.hostId }));
  });
  protected readonly names = computed(() =>
    this.targets()
      .map((target) => `${target.name} on ${target.hostName}`)
      .join(', '),
  );

  constructor() {
    inject(ContainersApi)
      .hosts()
      .then((hosts) => this.hosts.set(hosts))
      .catch(() => undefined);
  }
}
