import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsMaintenance } from './metrics-maintenance';
import { MetricsRecorder } from './metrics-recorder';
import { MetricsService } from './metrics.service';
import { MetricsStore } from './metrics.store';
import { PrometheusController } from './prometheus/prometheus.controller';
import { RecentFigures } from './recent-figures';
import { SamplingLeases } from './sampling-leases';

/**
 * The source-neutral metrics history: sources hand their figures to MetricsRecorder and ask
 * SamplingLeases whether they sample a host; global so a source module needs no import.
 */
@Global()
@Module({
  controllers: [MetricsController, PrometheusController],
  providers: [
    MetricsStore,
    MetricsRecorder,
    RecentFigures,
    SamplingLeases,
    MetricsMaintenance,
    MetricsService,
  ],
  exports: [MetricsRecorder, SamplingLeases, MetricsStore, RecentFigures],
})
export class MetricsModule {}
