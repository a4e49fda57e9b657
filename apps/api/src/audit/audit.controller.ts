import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../common/decorators/admin-only.decorator';
import { ApiErrors } from '../common/openapi/api-errors';
import { USER_JWT } from '../openapi';
import { AuditPageResponse, AuditQueryDto } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth(USER_JWT)
@AdminOnly()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({
    operationId: 'listAuditEntries',
    summary: 'List audit entries',
    description:
      'One page of the audit log, newest first: who did what to which target, and whether it ' +
      'succeeded (user, host and container changes, container actions, exec sessions). ' +
      'Admins only.',
  })
  @ApiOkResponse({ type: AuditPageResponse, description: 'Newest first' })
  @ApiErrors({
    400: 'page or pageSize out of range',
    401: 'Missing or expired token',
    403: 'The signed-in user is not an admin',
  })
  list(@Query() query: AuditQueryDto): Promise<AuditPageResponse> {
    return this.audit.list(query);
  }
}
