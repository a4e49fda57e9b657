import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors';
import { ContainerParams, HostParams } from '../containers/containers.dto';
import { USER_JWT } from '../openapi';
import { HostMetricsHistoryResponse, MetricsHistoryResponse, MetricsQuery } from './metrics.dto';
import { MetricsService } from './metrics.service';

const ERRORS = {
  400: 'Invalid source, hostId, ref, range, from or to; the message names the field',
  401: 'Missing or expired token',
  404: 'Unknown host or container, or no such source configured',
  502: 'An id was given and the host is unreachable: its name cannot be looked up',
};

const WINDOW =
  '`range` (1h, 6h, 24h, 7d, 30d; default 1h) or `from`/`to` (ISO times). At most about ' +
  '1,000 points: the step grows with the window, and figures come from the rollup tier that ' +
  'fits the step (docs/metrics.md). Rates are per second; nulls are gaps. Members may call it.';

/** The metrics history of containers and hosts of every source (docs/metrics.md). */
@ApiTags('metrics')
@ApiBearerAuth(USER_JWT)
@Controller('containers')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get('hosts/:source/:hostId/metrics')
  @ApiOperation({
    operationId: 'getHostMetrics',
    summary: 'Get the metrics history of a host',
    description: `CPU, memory, network and block IO summed over the host's containers, and how many ran, per step. ${WINDOW}`,
  })
  @ApiOkResponse({ type: HostMetricsHistoryResponse })
  @ApiErrors({ 400: ERRORS[400], 401: ERRORS[401], 404: ERRORS[404] })
  host(
    @Param() { source, hostId }: HostParams,
    @Query() query: MetricsQuery,
  ): Promise<HostMetricsHistoryResponse> {
    return this.metrics.host(source, hostId, query);
  }

  @Get(':source/:hostId/:ref/metrics')
  @ApiOperation({
    operationId: 'getContainerMetrics',
    summary: 'Get the metrics history of a container',
    description:
      'CPU, memory, network and block IO of one container per step, kept by container name ' +
      `(a container recreated under its name keeps its history). ${WINDOW}`,
  })
  @ApiOkResponse({ type: MetricsHistoryResponse })
  @ApiErrors(ERRORS)
  container(
    @Param() { source, hostId, ref }: ContainerParams,
    @Query() query: MetricsQuery,
  ): Promise<MetricsHistoryResponse> {
    return this.metrics.container(source, hostId, ref, query);
  }
}
