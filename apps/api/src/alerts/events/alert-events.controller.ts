import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../../common/openapi/api-errors';
import { USER_JWT } from '../../openapi';
import { AlertEventPageResponse, AlertEventsQueryDto } from './alert-events.dto';
import { AlertEventsService } from './alert-events.service';

/** What fired and resolved (docs/alerts.md). Members and admins. */
@ApiTags('alerts')
@ApiBearerAuth(USER_JWT)
@Controller('alerts/events')
export class AlertEventsController {
  constructor(private readonly events: AlertEventsService) {}

  @Get()
  @ApiOperation({
    operationId: 'listAlertEvents',
    summary: 'List alert events',
    description:
      'Newest first, paged, optionally only firing or resolved ones, each with its deliveries ' +
      '(state, tries, last error); `firing` counts the events firing now. Members and admins.',
  })
  @ApiOkResponse({ type: AlertEventPageResponse })
  @ApiErrors({
    400: 'Invalid query parameter; the message names it',
    401: 'Missing or expired token',
  })
  list(@Query() query: AlertEventsQueryDto): Promise<AlertEventPageResponse> {
    return this.events.page(query);
  }
}
