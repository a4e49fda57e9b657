import { DatePipe } from '@angular/common';
import { HttpClient } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatPaginatorModule, type PageEvent } from '@angular/material/paginator';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import type { AuditEntry, Page } from '@archnest/contracts';
import { type Subscription, finalize } from 'rxjs';
import { describeError } from '../common/http-error';

export const DEFAULT_PAGE_SIZE = 50;

/** Admin page: the audit log, paged on the server, newest first. */
@Component({
  selector: 'app-audit',
  imports: [DatePipe, MatButtonModule, MatPaginatorModule, MatProgressBarModule, MatTableModule],
  templateUrl: './audit.html',
  styleUrl: './audit.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Audit {
  private readonly http = inject(HttpClient);

  protected readonly columns = ['at', 'actor', 'action', 'target', 'result', 'detail'];
  protected readonly pageSizeOptions = [25, 50, 100];
  protected readonly entries = signal<AuditEntry[]>([]);
  protected readonly total = signal(0);
  protected readonly pageIndex = signal(0);
  protected readonly pageSize = signal(DEFAULT_PAGE_SIZE);
  protected readonly loading = signal(false);
  protected readonly error = signal<string | null>(null);

  private pageRequest?: Subscription;

  constructor() {
    this.loadPage();
    inject(DestroyRef).onDestroy(() => this.pageRequest?.unsubscribe());
  }

  protected showPage(event: PageEvent): void {
    this.pageIndex.set(event.pageIndex);
    this.pageSize.set(event.pageSize);
    this.loadPage();
  }

  /** Cancels the previous request so fast paging never shows an older page last. */
  protected loadPage(): void {
    this.pageRequest?.unsubscribe();
    this.loading.set(true);
    this.error.set(null);
    this.pageRequest = this.http
      .get<Page<AuditEntry>>('/api/audit', {
        params: { page: this.pageIndex() + 1, pageSize: this.pageSize() },
      })
      .pipe(finalize(() => this.loading.set(false)))
      .subscribe({
        next: (page) => {
          this.entries.set(page.items);
          this.total.set(page.total);
        },
        error: (error: unknown) => this.error.set(describeError(error)),
      });
  }
}
