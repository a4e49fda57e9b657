import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { UsersModule } from '../../users/users.module';
import { ExecAuthenticator } from './exec-auth';

/** What every exec WebSocket needs: the start-message authenticator. */
@Module({
  imports: [
    UsersModule,
    // Verifies exec tokens with the same secret and algorithm as AuthModule's signer.
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.jwtSecret,
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [ExecAuthenticator],
  exports: [ExecAuthenticator],
})
export class ExecModule {}
