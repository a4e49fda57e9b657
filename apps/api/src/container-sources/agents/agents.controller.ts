import type { AgentNeedFull } from '@archnest/contracts';
import { Body, Controller, Get, HttpCode, HttpStatus, Post, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Throttle } from '@nestjs/throttler';
import { Public } from '../../common/decorators/public.decorator';
import { ApiErrors } from '../../common/openapi/api-errors';
import { AGENT_TOKEN, USER_JWT } from '../../openapi';
import {
  AgentHostResponse,
  AgentNeedFullResponse,
  AgentReportReceiptResponse,
} from './agent-read.dto';
import { AgentReportDto, AgentSteadyReportDto } from './agent-report.dto';
import { type AnyAgentReport, AgentReportPipe } from './agent-report.pipe';
import { AgentReportThrottlerGuard } from './agent-report-throttler.guard';
import { AgentTokenGuard } from './agent-token.guard';
import { AgentsService } from './agents.service';

/** Per host id: an agent reports every 30 s; this leaves room for retries and bursts. */
export const AGENT_REPORTS_PER_MINUTE = 120;

const DIGEST_EXAMPLE = '9b2f6c0e4a8d1f3b5c7e9a0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f';

/** What archnest-docker-agent.sh sends for a host running one container. */
const REPORT_EXAMPLE: AgentReportDto = {
  schemaVersion: 2,
  kind: 'full',
  hostId: 'proxmox-vm-1',
  hostname: 'docker01',
  agentVersion: '2',
  reportedAt: '2026-06-20T19:30:00Z',
  inventoryDigest: DIGEST_EXAMPLE,
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

/** The same host's next run, its inventory unchanged. */
const STEADY_EXAMPLE: AgentSteadyReportDto = {
  schemaVersion: 2,
  kind: 'steady',
  hostId: 'proxmox-vm-1',
  hostname: 'docker01',
  agentVersion: '2',
  reportedAt: '2026-06-20T19:30:30Z',
  inventoryDigest: DIGEST_EXAMPLE,
  containers: [
    {
      id: '4f3c2b1a0e9d',
      status: 'Up 3 hours',
      stats: [1.6, 20975616, 536870912, 12845, 68390, 0, 0],
    },
  ],
};

const NEED_FULL: AgentNeedFull = {
  statusCode: HttpStatus.CONFLICT,
  error: 'Conflict',
  message: 'The server does not hold this inventory digest for the host: send a full report',
  needFull: true,
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
      'Schema version 2 (docs/docker-agent-monitoring.md, "Delta reports"): a full report ' +
      '(version 1 reports, without schemaVersion, are full ones) or, while the inventory is ' +
      "unchanged, a steady report with the inventory digest and only each container's id and " +
      'stats; a steady report whose digest the server does not hold gets 409 with needFull. ' +
      'Secret-looking environment values are masked before storing. Nothing is ever run on ' +
      `the host. Up to ${AGENT_REPORTS_PER_MINUTE} reports a minute per hostId; bodies up to 8 MiB.`,
  })
  @ApiExtraModels(AgentReportDto, AgentSteadyReportDto)
  @ApiBody({
    required: true,
    schema: {
      oneOf: [
        { $ref: getSchemaPath(AgentReportDto) },
        { $ref: getSchemaPath(AgentSteadyReportDto) },
      ],
    },
    examples: {
      oneContainer: { summary: 'A full report: a host with one container', value: REPORT_EXAMPLE },
      steady: {
        summary: 'A steady report: the same host, inventory unchanged',
        value: STEADY_EXAMPLE,
      },
    },
  })
  @ApiOkResponse({
    type: AgentReportReceiptResponse,
    description: 'Stored as the latest report of the host',
  })
  @ApiConflictResponse({
    type: AgentNeedFullResponse,
    description: 'Steady report with a digest the server does not hold: send the full report',
  })
  @ApiErrors({
    400: 'Invalid report; the message names the field',
    401: 'Missing, wrong, revoked or expired agent token',
    403:
      'A per-host token for another hostId, or an address outside its allowedCidrs or ' +
      'ARCHNEST_AGENT_ALLOWED_CIDRS',
    413: 'Report above the 8 MiB ingest body limit',
    429: `More than ${AGENT_REPORTS_PER_MINUTE} reports a minute for this hostId`,
    503:
      'Ingest disabled (neither ARCHNEST_AGENT_TOKEN nor any per-host token), or storage down ' +
      'or full (with Retry-After)',
  })
  async report(
    @Body(AgentReportPipe) report: AnyAgentReport,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AgentReportReceiptResponse | AgentNeedFull> {
    const receipt = await this.agents.ingest(report);
    if (!receipt) {
      void reply.status(HttpStatus.CONFLICT);
      return NEED_FULL;
    }
    return receipt;
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
