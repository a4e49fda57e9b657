import { Controller, Get, Inject, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../common/decorators/public.decorator';
import { ApiErrors } from '../../common/openapi/api-errors';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { SourceRegistry } from '../../container-sources/source-registry';
import { SCRAPE_TOKEN } from '../../openapi';
import { MetricsStore } from '../metrics.store';
import { prometheusExport } from './prometheus-export';
import { ScrapeTokenGuard } from './scrape-token.guard';

/** Containers sampled within this long are exported; `up` is 0 past the staleness limit. */
const EXPORTED_FOR_SECONDS = 3_600;

@ApiTags('metrics')
@ApiBearerAuth(SCRAPE_TOKEN)
@Controller('metrics')
export class PrometheusController {
  constructor(
    private readonly store: MetricsStore,
    private readonly registry: SourceRegistry,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'staleAfterMs'>,
  ) {}

  @Get()
  @Public()
  @UseGuards(ScrapeTokenGuard)
  @ApiOperation({
    operationId: 'scrapeMetrics',
    summary: 'Prometheus export',
    description:
      'The newest figures of every container of every source and the state of every host, in ' +
      'the Prometheus text exposition format. Needs ARCHNEST_METRICS_TOKEN as a bearer token; ' +
      'a user token is refused. See docs/metrics.md for a scrape config.',
  })
  @ApiOkResponse({
    description: 'Prometheus text format 0.0.4',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiErrors({ 401: 'Missing or wrong scrape token', 503: 'ARCHNEST_METRICS_TOKEN is not set' })
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const now = Math.floor(Date.now() / 1_000);
    const [latest, hosts] = await Promise.all([
      this.store.latest(now - EXPORTED_FOR_SECONDS),
      this.registry.listHosts(),
    ]);
    const freshSince = now - Math.ceil(this.config.staleAfterMs / 1_000);
    const { contentType, body } = await prometheusExport(latest, hosts, freshSince);
    await reply.header('Content-Type', contentType).send(body);
  }
}
