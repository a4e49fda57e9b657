import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatChipsModule } from '@angular/material/chips';
import { MatIconModule } from '@angular/material/icon';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import type { AlertEvent, AlertStatus } from '@archnest/contracts';
import { describeError } from '../common/http-error';
import { registerIcons } from '../shell/icons';
import { AlertsApi } from './alerts-api';
import { describeDeliveries } from './event-format';
import { FiringAlerts } from './firing-alerts';
import { kindLabel, sourceLabel } from './rule-kinds';

export type StatusFilter = AlertStatus | 'all';

export const PAGE_SIZES = [25, 50, 100];
export const DEFAULT_PAGE_SIZE = 50;

/** The Events tab: every alert that fired, newest first, with what each channel was sent. */
@Component({
  selector: 'app-alert-events',
  imports: [
    DatePipe,
    MatButtonModule,
    MatButtonToggleModule,
    MatChipsModule,
    MatIconModule,
    MatPaginatorModule,
    MatProgressBarModule,
    MatTableModule,
  ],
  templateUrl: './alert-events.html',
  styleUrl: './alert-tab.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AlertEvents {
  private readonly api = inject(AlertsApi);
  private readonly firing = inject(FiringAlerts);

  protected readonly kindLabel = kindLabel;
  protected readonly sourceLabel = sourceLabel;
  protected readonly pageSizes = PAGE_SIZES;
  protected readonly columns = [
    'status',
    'rule',
    'host',
    'container',
    'message',
    'startsAt',
    'endsAt',
    'deliveries',
  ];
  protected readonly status = signal<StatusFilter>('all');
  /** 0-based, as the paginator counts; the API's `page` is this + 1. */
  protected readonly pageIndex = signal(0);
  protected readonly pageSize = signal(DEFAULT_PAGE_SIZE);
  protected readonly events = signal<AlertEvent[]>([]);
  protected readonly total = signal(0);
  protected readonly loading = signal(false);
  protected readonly loaded = signal(false);
  protected readonly error = signal<string | null>(null);

  constructor() {
    registerIcons();
    void this.load();
  }

  protected deliveries(event: AlertEvent): string[] {
    return describeDeliveries(event);
  }

  protected async filterStatus(status: StatusFilter): Promise<void> {
    this.status.set(status);
    this.pageIndex.set(0);
    await this.load();
  }

  protected async changePage(page: PageEvent): Promise<void> {
    this.pageIndex.set(page.pageIndex);
    this.pageSize.set(page.pageSize);
    await this.load();
  }

  protected async load(): Promise<void> {
    this.loading.set(true);
    try {
      const status = this.status();
      const page = await this.api.events({
        status: status === 'all' ? undefined : status,
        page: this.pageIndex() + 1,
        pageSize: this.pageSize(),
      });
      this.events.set(page.items);
      this.total.set(page.total);
      this.firing.set(page.firing);
      this.error.set(null);
    } catch (error) {
      this.error.set(describeError(error));
    } finally {
      this.loading.set(false);
      this.loaded.set(true);
    }
  }
}
