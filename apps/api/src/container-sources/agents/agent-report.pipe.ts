import { Injectable } from '@nestjs/common';
import { CompiledDtoValidator } from '../../common/validation/compiled-dto-validator';
import { AgentReportDto } from './agent-report.dto';

/** Validates ingest bodies against AgentReportDto, compiled once (see CompiledDtoValidator). */
@Injectable()
export class AgentReportPipe extends CompiledDtoValidator<AgentReportDto> {
  constructor() {
    super(AgentReportDto);
  }
}
