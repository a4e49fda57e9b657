import { Module } from '@nestjs/common';
import { ContainersController } from './containers.controller';
import { ContainersService } from './containers.service';

/** The aggregator: every container route over the SourceRegistry (container-sources/). */
@Module({
  controllers: [ContainersController],
  providers: [ContainersService],
})
export class ContainersModule {}
