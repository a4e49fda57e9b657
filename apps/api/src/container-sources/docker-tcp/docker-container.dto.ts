import type { ContainerAction } from '@archnest/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsContainerRef } from '../container-ref';
import { DockerHostParams } from './docker-host.dto';

/** The verbs of `POST …/containers/:ref/:action`; remove is `DELETE …/containers/:ref`. */
export const POST_ACTIONS = [
  'start',
  'stop',
  'restart',
  'pause',
  'unpause',
] as const satisfies readonly ContainerAction[];
export type PostAction = (typeof POST_ACTIONS)[number];

export class DockerContainerParams extends DockerHostParams {
  @ApiProperty({
    description: 'Container name or 12-64 character hex id',
    pattern: '^[a-zA-Z0-9][a-zA-Z0-9_.-]+$',
  })
  @IsContainerRef()
  ref!: string;
}

export class DockerActionParams extends DockerContainerParams {
  @ApiProperty({ enum: POST_ACTIONS })
  @IsIn(POST_ACTIONS, { message: `action must be one of ${POST_ACTIONS.join(', ')}` })
  action!: PostAction;
}

export {
  ContainerDetailResponse,
  ContainerLogsResponse,
  ContainerStatsResponse,
  ContainerSummaryResponse,
  LogsQuery,
  RemoveQuery,
} from '../../containers/containers.dto';
