import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { UsersModule } from '../../users/users.module';
import { SocketAuthenticator } from './socket-auth';

/** The token check of the WebSocket gateways (exec, live logs). */
@Module({
  imports: [
    UsersModule,
    // Verifies tokens with the same secret and algorithm as AuthModule's signer.
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.jwtSecret,
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [SocketAuthenticator],
  exports: [SocketAuthenticator],
})
export class SocketsModule {}
