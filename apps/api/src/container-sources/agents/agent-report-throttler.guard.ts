import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

interface ReportRequest {
  ip: string;
  body?: { hostId?: unknown };
}

/** Rate-limits ingest per host id, so one misbehaving agent cannot starve the others. */
@Injectable()
export class AgentReportThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(request: ReportRequest): Promise<string> {
    const hostId = request.body?.hostId;
    return Promise.resolve(typeof hostId === 'string' ? `host:${hostId}` : `ip:${request.ip}`);
  }
}
