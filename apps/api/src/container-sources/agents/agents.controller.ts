import type { AgentReport } from '@archnest/contracts';
import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Throttle } from '@nestjs/throttler';
import { Public } from '../../common/decorators/public.decorator';
import { ApiErrors } from '../../common/openapi/api-errors';
import { ApiJsonBody } from '../../common/openapi/api-json-body';
import { AGENT_TOKEN, USER_JWT } from '../../openapi';
import { AgentHostResponse, AgentReportReceiptResponse } from './agent-read.dto';
import { AgentReportDto } from './agent-report.dto';
import { AgentReportPipe } from './agent-report.pipe';
import { AgentReportThrottlerGuard } from './agent-report-throttler.guard';
import { AgentTokenGuard } from './agent-token.guard';
import { AgentsService } from './agents.service';

/** Per host id: an agent reports every 30 s; this leaves room for retries and bursts. */
export const AGENT_REPORTS_PER_MINUTE = 120;

/** What archnest-docker-agent.sh sends for a host running one container. */
const REPORT_EXAMPLE: AgentReportDto = {
  hostId: 'proxmox-vm-1',
  hostname: 'docker01',
  agentVersion: '1',
  reportedAt: '2026-06-20T19:30:00Z',
  containers: [
    {
      id: '4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b',
      name: 'myapp',
      image: 'nginx:1.27',
      imageId: 'sha256:0d2a5c9e4b7f1a3c6e8d0b2f4a6c8e0d2b4f6a8c0e2d4b6f8a0c2e4d6b8f0a2c',
      state: 'running',
      status: 'Up 3 hours',
      createdAt: '2026-06-20T16:30:00Z',
      startedAt: '2026-06-20T16:30:01Z',
      restartCount: 0,
      restartPolicy: 'unless-stopped',
      health: 'healthy',
      ports: [{ hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, proto: 'tcp' }],
      networks: [{ name: 'bridge', ip: '172.17.0.2' }],
      mounts: [{ type: 'volume', source: 'myapp_data', destination: '/data', rw: true }],
      env: [
        { key: 'NODE_ENV', value: 'production' },
        { key: 'DB_PASSWORD', value: '********' },
      ],
      command: "nginx -g 'daemon off;'",
      labels: { 'com.docker.compose.project': 'myapp' },
      stats: {
        cpuPercent: 1.4,
        memUsage: 20971520,
        memLimit: 536870912,
        netRxBytes: 12345,
        netTxBytes: 67890,
        blockReadBytes: 0,
        blockWriteBytes: 0,
      },
    },
  ],
};

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
  @ApiOperation({
    operationId: 'reportAgentContainers',
    summary: 'Report the containers of a host',
    description:
      'For the push agent (archnest-docker-agent.sh), with the agent token instead of a user ' +
      'token: stores the report as the latest of its hostId, replacing the previous one. ' +
      'Secret-looking environment values are masked before storing. Nothing is ever run on ' +
      `the host. Up to ${AGENT_REPORTS_PER_MINUTE} reports a minute per hostId; bodies up to 8 MiB.`,
  })
  @ApiJsonBody(AgentReportDto, {
    oneContainer: { summary: 'A host with one container', value: REPORT_EXAMPLE },
  })
  @ApiOkResponse({
    type: AgentReportReceiptResponse,
    description: 'Stored as the latest report of the host',
  })
  @ApiErrors({
    400: 'Invalid report; the message names the field',
    401: 'Missing or wrong agent token',
    413: 'Report above the 8 MiB ingest body limit',
    429: `More than ${AGENT_REPORTS_PER_MINUTE} reports a minute for this hostId`,
    503: 'Ingest disabled (ARCHNEST_AGENT_TOKEN unset), or storage down or full (with Retry-After)',
  })
  report(@Body(AgentReportPipe) report: AgentReport): Promise<AgentReportReceiptResponse> {
    return this.agents.ingest(report);
  }

  @Get('hosts')
  @ApiBearerAuth(USER_JWT)
  @ApiOperation({
    operationId: 'listAgentHosts',
    summary: 'List agent hosts',
    description:
      'Every host that has reported, with the time and container count of its latest report; ' +
      '`stale` once none came for longer than STALE_AFTER_MS (90 s by default). Members may ' +
      'call it.',
  })
  @ApiOkResponse({ type: [AgentHostResponse] })
  @ApiErrors({ 401: 'Missing or expired token' })
  listHosts(): Promise<AgentHostResponse[]> {
    return this.agents.listAgentHosts();
  }
}
