import { Module } from '@nestjs/common';
import { SocketAuthModule } from '../socket-auth/socket-auth.module';
import { LogFollows } from './log-follows';
import { LogFollowGateway } from './logs.gateway';

/** The live-logs WebSocket of every source that offers logs (docs/logs-protocol.md). */
@Module({
  imports: [SocketAuthModule],
  providers: [LogFollows, LogFollowGateway],
})
export class LogsModule {}
