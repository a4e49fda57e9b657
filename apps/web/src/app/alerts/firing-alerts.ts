import { Injectable, inject, signal } from '@angular/core';
import { AlertsApi } from './alerts-api';

/** How often the navigation asks how many alerts fire. */
export const FIRING_POLL_MS = 30_000;

/**
 * How many alerts fire now, for the navigation badge: polled while the shell is shown, refreshed
 * by the Alerts page after each change, and set directly from any events page it loads.
 */
@Injectable({ providedIn: 'root' })
export class FiringAlerts {
  private readonly api = inject(AlertsApi);
  private readonly countState = signal(0);

  readonly count = this.countState.asReadonly();

  /** Asks the server; a failure (offline, signed out) keeps the last count. */
  async refresh(): Promise<void> {
    try {
      const page = await this.api.events({ status: 'firing', page: 1, pageSize: 1 });
      this.countState.set(page.firing);
    } catch {
      // The badge is a hint: the Alerts page shows the error when one is opened.
    }
  }

  /** What an events page said (`firing` counts every page). */
  set(firing: number): void {
    this.countState.set(firing);
  }

  /** Refreshes now and every {@link FIRING_POLL_MS}; returns what stops it. */
  poll(): () => void {
    void this.refresh();
    const timer = setInterval(() => void this.refresh(), FIRING_POLL_MS);
    return () => clearInterval(timer);
  }
}
