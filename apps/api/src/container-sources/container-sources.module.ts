import { Global, Module } from '@nestjs/common';
import { SourceRegistry } from './source-registry';

/** The registry every source joins; global so a source module needs no import to reach it. */
@Global()
@Module({
  providers: [SourceRegistry],
  exports: [SourceRegistry],
})
export class ContainerSourcesModule {}
