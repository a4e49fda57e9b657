import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { createApp } from './app';
import { loadConfig } from './config/app-config';
import { InvalidEnvironmentError } from './config/environment';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config, { webDir: join(__dirname, '..', 'web', 'browser') });
  await app.listen(config.port, config.host);
  const where = config.database.type === 'sqlite' ? config.database.path : 'PostgreSQL';
  new Logger('ArchNest').log(
    `Console and API on http://${config.host}:${config.port} (database: ${where})`,
  );
}

bootstrap().catch((error: unknown) => {
  if (error instanceof InvalidEnvironmentError) {
    process.stderr.write(`archnest: ${error.message}\n`);
  } else {
    process.stderr.write(`archnest: failed to start: ${String(error)}\n`);
  }
  process.exit(1);
});
