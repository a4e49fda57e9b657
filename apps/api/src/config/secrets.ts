import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidEnvironmentError } from './environment';

export interface Secrets {
  jwtSecret: string;
  secretKey: Buffer;
}

interface ConfiguredSecrets {
  jwtSecret?: string;
  secretKey?: string;
}

/**
 * Uses the configured secrets, or generates each missing one on first start and keeps it in the
 * data dir (mode 0600) so tokens and encrypted credentials survive a restart.
 */
export function loadOrCreateSecrets(dataDir: string, configured: ConfiguredSecrets): Secrets {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const jwtSecret = configured.jwtSecret ?? readOrCreate(join(dataDir, 'jwt-secret'), 48);
  const keyText = configured.secretKey ?? readOrCreate(join(dataDir, 'secret-key'), 32);
  const secretKey = Buffer.from(keyText, 'base64');
  if (secretKey.length !== 32) {
    throw new InvalidEnvironmentError(['ARCHNEST_SECRET_KEY must be 32 bytes, base64-encoded']);
  }
  return { jwtSecret, secretKey };
}

function readOrCreate(file: string, bytes: number): string {
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    return readFileSync(file, 'utf8').trim();
  }
  const value = randomBytes(bytes).toString('base64');
  writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  return value;
}
