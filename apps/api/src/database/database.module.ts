import { Module, OnModuleInit } from '@nestjs/common';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => dataSourceOptions(config.database),
    }),
  ],
})
export class DatabaseModule implements OnModuleInit {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * In WAL mode, synchronous=NORMAL never corrupts the database and skips an fsync per
   * commit; a power cut can lose the last commits, which agents simply report again.
   */
  async onModuleInit(): Promise<void> {
    if (this.dataSource.options.type === 'sqlite') {
      await this.dataSource.query('PRAGMA synchronous = NORMAL');
    }
  }
}
