import { Module } from '@nestjs/common';
import { SshConnector } from './ssh-connector';
import { SshPool } from './ssh-pool';

/** The SSH transport: connectTarget (SshConnector), execCommand, and the connection pool. */
@Module({
  providers: [SshConnector, SshPool],
  exports: [SshConnector, SshPool],
})
export class SshModule {}
