import { Module } from '@nestjs/common';
import { SocketsModule } from '../sockets/sockets.module';
import { LogFollows } from './log-follows';
import { LogFollowGateway } from './logs.gateway';

/** The live-logs WebSocket of every source that offers logs (docs/logs-protocol.md). */
@Module({
  imports: [SocketsModule],
  providers: [LogFollows, LogFollowGateway],
})
export class LogsModule {}
