import { Controller, Get, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Health } from '@archnest/contracts';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/decorators/public.decorator';
import { HealthService } from './health.service';

class DatabaseHealth {
  @ApiProperty({ enum: ['sqlite', 'postgres'] }) type!: 'sqlite' | 'postgres';
  @ApiProperty({ description: 'The database answered a query just now' }) ok!: boolean;
}

export class HealthResponse implements Health {
  @ApiProperty({ enum: ['ok', 'degraded'] }) status!: 'ok' | 'degraded';
  @ApiProperty({ example: 3600 }) uptimeSeconds!: number;
  @ApiProperty({ type: DatabaseHealth }) database!: DatabaseHealth;
  @ApiProperty({ example: '0.1.0' }) version!: string;
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Public()
  @Get()
  @ApiOperation({
    operationId: 'getHealth',
    summary: 'Get health',
    description:
      'Whether the server and its database answer, with the version and uptime; for load ' +
      'balancers, container health checks and monitors. Public. While the database does not ' +
      'answer it is 503 with the same body and status `degraded` (not the error shape).',
  })
  @ApiOkResponse({ type: HealthResponse, description: 'Server and database answer' })
  @ApiServiceUnavailableResponse({ type: HealthResponse, description: 'Database unreachable' })
  async check(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthResponse> {
    const health = await this.health.check();
    void reply.status(health.status === 'ok' ? 200 : 503);
    return health;
  }
}
