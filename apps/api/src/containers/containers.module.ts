import { Global, Module } from '@nestjs/common';
import { ContainersController } from './containers.controller';
import { ContainersService } from './containers.service';
import { SourceRegistry } from './source-registry';

/** The aggregator the console talks to; sources import nothing but the registry. */
@Global()
@Module({
  controllers: [ContainersController],
  providers: [SourceRegistry, ContainersService],
  exports: [SourceRegistry],
})
export class ContainersModule {}
