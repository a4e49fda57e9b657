import type { AgentReport, AgentSteadyReport } from '@archnest/contracts';
import { Injectable, type PipeTransform } from '@nestjs/common';
import { CompiledDtoValidator } from '../../common/validation/compiled-dto-validator';
import { AgentReportDto, AgentSteadyReportDto } from './agent-report.dto';

export type AnyAgentReport = AgentReport | AgentSteadyReport;

export const isSteadyReport = (report: AnyAgentReport): report is AgentSteadyReport =>
  report.kind === 'steady';

/**
 * Validates ingest bodies against AgentSteadyReportDto when `kind` is "steady", against
 * AgentReportDto (full, version 1 or 2) otherwise; both compiled once (CompiledDtoValidator).
 */
@Injectable()
export class AgentReportPipe implements PipeTransform<unknown, AnyAgentReport> {
  private readonly full = new CompiledDtoValidator(AgentReportDto);
  private readonly steady = new CompiledDtoValidator(AgentSteadyReportDto);

  transform(value: unknown): AnyAgentReport {
    const steady = (value as { kind?: unknown } | null)?.kind === 'steady';
    return steady ? this.steady.transform(value) : this.full.transform(value);
  }
}
