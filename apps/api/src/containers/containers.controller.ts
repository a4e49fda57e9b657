import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { USER_JWT } from '../openapi';
import { ContainerHostResponse } from './containers.dto';
import { SourceRegistry } from './source-registry';

@ApiTags('containers')
@ApiBearerAuth(USER_JWT)
@Controller('containers')
export class ContainersController {
  constructor(private readonly registry: SourceRegistry) {}

  @Get('hosts')
  @ApiOkResponse({ type: [ContainerHostResponse], description: 'Every host of every source' })
  listHosts(): Promise<ContainerHostResponse[]> {
    return this.registry.listHosts();
  }
}
