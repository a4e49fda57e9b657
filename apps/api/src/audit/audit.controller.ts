import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../common/decorators/admin-only.decorator';
import { USER_JWT } from '../openapi';
import { AuditPageResponse, AuditQueryDto } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth(USER_JWT)
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @AdminOnly()
  @ApiOkResponse({ type: AuditPageResponse, description: 'Newest first' })
  list(@Query() query: AuditQueryDto): Promise<AuditPageResponse> {
    return this.audit.list(query);
  }
}
