import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  AlertChannel,
  AlertEventPage,
  AlertRule,
  AlertStatus,
  ChannelTestResult,
  CreateAlertChannel,
  CreateAlertRule,
} from '@archnest/contracts';
import { firstValueFrom } from 'rxjs';

const RULES = '/api/alerts/rules';
const CHANNELS = '/api/alerts/channels';
const EVENTS = '/api/alerts/events';

export interface EventQuery {
  status?: AlertStatus;
  /** 1-based. */
  page: number;
  pageSize: number;
}

/** `/api/alerts` (docs/alerts.md): rules and events for everyone, channels and writes for admins. */
@Injectable({ providedIn: 'root' })
export class AlertsApi {
  private readonly http = inject(HttpClient);

  rules(): Promise<AlertRule[]> {
    return firstValueFrom(this.http.get<AlertRule[]>(RULES));
  }

  createRule(input: CreateAlertRule): Promise<AlertRule> {
    return firstValueFrom(this.http.post<AlertRule>(RULES, input));
  }

  updateRule(id: string, input: Partial<CreateAlertRule>): Promise<AlertRule> {
    return firstValueFrom(this.http.patch<AlertRule>(`${RULES}/${encodeURIComponent(id)}`, input));
  }

  removeRule(id: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`${RULES}/${encodeURIComponent(id)}`));
  }

  /** Admins only. */
  channels(): Promise<AlertChannel[]> {
    return firstValueFrom(this.http.get<AlertChannel[]>(CHANNELS));
  }

  createChannel(input: CreateAlertChannel): Promise<AlertChannel> {
    return firstValueFrom(this.http.post<AlertChannel>(CHANNELS, input));
  }

  updateChannel(id: string, input: Partial<CreateAlertChannel>): Promise<AlertChannel> {
    return firstValueFrom(
      this.http.patch<AlertChannel>(`${CHANNELS}/${encodeURIComponent(id)}`, input),
    );
  }

  removeChannel(id: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`${CHANNELS}/${encodeURIComponent(id)}`));
  }

  /** Sends a test notification; answers what the receiver said. */
  testChannel(id: string): Promise<ChannelTestResult> {
    return firstValueFrom(
      this.http.post<ChannelTestResult>(`${CHANNELS}/${encodeURIComponent(id)}/test`, null),
    );
  }

  events(query: EventQuery): Promise<AlertEventPage> {
    let params = new HttpParams().set('page', query.page).set('pageSize', query.pageSize);
    if (query.status) {
      params = params.set('status', query.status);
    }
    return firstValueFrom(this.http.get<AlertEventPage>(EVENTS, { params }));
  }
}
