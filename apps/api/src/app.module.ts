import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AlertsModule } from './alerts/alerts.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CryptoModule } from './common/crypto/crypto.module';
import { GlobalExceptionFilter } from './common/filters/global-exception.filter';
import { JwtAuthGuard } from './common/guards/jwt-auth.guard';
import { RolesGuard } from './common/guards/roles.guard';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { AgentsModule } from './container-sources/agents/agents.module';
import { ContainerSourcesModule } from './container-sources/container-sources.module';
import { DockerSshModule } from './container-sources/docker-ssh/docker-ssh.module';
import { DockerTcpModule } from './container-sources/docker-tcp/docker-tcp.module';
import { ExecModule } from './container-sources/exec/exec.module';
import { LogsModule } from './container-sources/logs/logs.module';
import { ContainersModule } from './containers/containers.module';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        // Limits are set per route with @Throttle; the guards that use them are route guards.
        ThrottlerModule.forRoot([{ ttl: 60_000, limit: 10 }]),
        CryptoModule,
        AuditModule,
        UsersModule,
        AuthModule,
        HealthModule,
        ContainerSourcesModule,
        MetricsModule,
        AlertsModule,
        AgentsModule,
        DockerSshModule,
        DockerTcpModule,
        ContainersModule,
        ExecModule,
        LogsModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: JwtAuthGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
        { provide: APP_FILTER, useClass: GlobalExceptionFilter },
      ],
    };
  }
}
