import {
  AGENT_HOST_ID_PATTERN,
  type AgentHost,
  type AgentNeedFull,
  type AgentReportReceipt,
} from '@archnest/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

const HOST_ID_MESSAGE = 'hostId must be 1-128 letters, digits, dots, dashes or underscores';

export class AgentHostParams {
  @ApiProperty({ pattern: AGENT_HOST_ID_PATTERN.source })
  @Matches(AGENT_HOST_ID_PATTERN, { message: HOST_ID_MESSAGE })
  hostId!: string;
}

export class AgentContainerParams extends AgentHostParams {
  @ApiProperty({ description: 'Full id, unique id prefix (12+ hex) or name' })
  @Matches(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}$/, {
    message: 'containerId must be a container id or name',
  })
  containerId!: string;
}

export class AgentHostResponse implements AgentHost {
  @ApiProperty({ example: 'proxmox-vm-1' }) hostId!: string;
  @ApiProperty({ example: 'docker01' }) hostname!: string;
  @ApiProperty({ example: '1' }) agentVersion!: string;
  @ApiProperty({ format: 'date-time', description: "The agent's clock" }) reportedAt!: string;
  @ApiProperty({ format: 'date-time', description: "The server's clock" }) receivedAt!: string;
  @ApiProperty() containerCount!: number;
  @ApiProperty({ description: 'No report for longer than STALE_AFTER_MS' }) stale!: boolean;
}

export class AgentReportReceiptResponse implements AgentReportReceipt {
  @ApiProperty({ example: 'proxmox-vm-1' }) hostId!: string;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty() containerCount!: number;
  @ApiProperty({ enum: ['full', 'steady'] }) kind!: 'full' | 'steady';
}

export class AgentNeedFullResponse implements AgentNeedFull {
  @ApiProperty({ enum: [409] }) statusCode!: 409;
  @ApiProperty({ enum: ['Conflict'] }) error!: 'Conflict';
  @ApiProperty() message!: string;
  @ApiProperty({ enum: [true] }) needFull!: true;
}
