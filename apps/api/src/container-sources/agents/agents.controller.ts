import type { AgentReport } from '@archnest/contracts';
import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiBearerAuth,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import { Public } from '../../common/decorators/public.decorator';
import { AGENT_TOKEN, USER_JWT } from '../../openapi';
import { AgentHostResponse, AgentReportReceiptResponse } from './agent-read.dto';
import { AgentReportDto } from './agent-report.dto';
import { AgentReportPipe } from './agent-report.pipe';
import { AgentReportThrottlerGuard } from './agent-report-throttler.guard';
import { AgentTokenGuard } from './agent-token.guard';
import { AgentsService } from './agents.service';

/** Per host id: an agent reports every 30 s; this leaves room for retries and bursts. */
export const AGENT_REPORTS_PER_MINUTE = 120;

/** Agent ingest and the agent host list; their containers are served by ContainersController. */
@ApiTags('agents')
@Controller('agents/docker')
export class AgentsController {
  constructor(private readonly agents: AgentsService) {}

  @Public()
  @UseGuards(AgentTokenGuard, AgentReportThrottlerGuard)
  @Throttle({ default: { limit: AGENT_REPORTS_PER_MINUTE, ttl: 60_000 } })
  @Post('report')
  @HttpCode(200)
  @ApiBearerAuth(AGENT_TOKEN)
  @ApiBody({ type: AgentReportDto })
  @ApiOkResponse({
    type: AgentReportReceiptResponse,
    description: 'Stored as the latest report of the host',
  })
  @ApiBadRequestResponse({ description: 'Invalid report; the message names the field' })
  @ApiUnauthorizedResponse({ description: 'Missing or wrong agent token' })
  @ApiPayloadTooLargeResponse({ description: 'Report above the ingest body limit' })
  @ApiTooManyRequestsResponse({ description: 'Too many reports for this host id' })
  @ApiServiceUnavailableResponse({
    description:
      'Ingest disabled (ARCHNEST_AGENT_TOKEN unset), or storage down or full (with Retry-After)',
  })
  report(@Body(AgentReportPipe) report: AgentReport): Promise<AgentReportReceiptResponse> {
    return this.agents.ingest(report);
  }

  @Get('hosts')
  @ApiBearerAuth(USER_JWT)
  @ApiOkResponse({ type: [AgentHostResponse] })
  listHosts(): Promise<AgentHostResponse[]> {
    return this.agents.listAgentHosts();
  }
}
