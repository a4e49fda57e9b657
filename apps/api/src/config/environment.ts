import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBase64,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  validateSync,
  ValidationError,
} from 'class-validator';

import { parseCidr } from '../common/network/cidr';

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  value === '' ? undefined : value;

const DOCKER_STATS_INTERVAL_RULE =
  'ARCHNEST_DOCKER_STATS_INTERVAL_MS must be 0 (off) or milliseconds from 1000 to 20000';

const SSH_STATS_INTERVAL_RULE =
  'ARCHNEST_SSH_STATS_INTERVAL_MS must be 0 (off) or milliseconds from 1000 to 3600000';

/** From the least to the most verbose; each level logs those before it too. */
export const LOG_LEVELS = ['error', 'warn', 'log', 'debug'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

const ALERTS_INTERVAL_RULE =
  'ARCHNEST_ALERTS_INTERVAL_MS must be 0 (off) or milliseconds from 1000 to 3600000';

const ALERTS_RETRY_RULE = 'ARCHNEST_ALERTS_RETRY_BASE_MS must be milliseconds from 100 to 600000';

function isCidrList(value: string): boolean {
  return value.split(',').every((part) => parseCidr(part) !== null);
}

function retentionRule(name: string, unit: string, max: number): string {
  return `${name} must be a whole number of ${unit} from 1 to ${max}`;
}

/** An integer variable within bounds, one message for every way of missing them. */
function Bounded(name: string, unit: string, max: number): PropertyDecorator {
  const message = retentionRule(name, unit, max);
  return (target, key) => {
    IsOptional()(target, key);
    Transform(toInt)(target, key);
    IsInt({ message })(target, key);
    Min(1, { message })(target, key);
    Max(max, { message })(target, key);
  };
}

/** Every environment variable ArchNest reads, with its rules (README.md, "Configuration"). */
export class EnvironmentVariables {
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'PORT must be an integer between 1 and 65535' })
  @Min(1, { message: 'PORT must be an integer between 1 and 65535' })
  @Max(65535, { message: 'PORT must be an integer between 1 and 65535' })
  PORT?: number;

  @IsOptional()
  @IsString()
  @Matches(/^[^\s'"]{1,64}$/, { message: 'HOST must be an address without spaces or quotes' })
  HOST?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(1)
  ARCHNEST_DATA_DIR?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^postgres(ql)?:\/\/\S+$/, {
    message: 'DATABASE_URL must be a postgres:// or postgresql:// URL',
  })
  DATABASE_URL?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(32, { message: 'ARCHNEST_JWT_SECRET must be at least 32 characters' })
  ARCHNEST_JWT_SECRET?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsBase64(undefined, { message: 'ARCHNEST_SECRET_KEY must be 32 bytes, base64-encoded' })
  ARCHNEST_SECRET_KEY?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(8, { message: 'ARCHNEST_ADMIN_PASSWORD must be at least 8 characters' })
  ARCHNEST_ADMIN_PASSWORD?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(16, { message: 'ARCHNEST_AGENT_TOKEN must be at least 16 characters' })
  ARCHNEST_AGENT_TOKEN?: string;

  @Bounded('ARCHNEST_AGENT_TOKEN_OVERLAP_SECONDS', 'seconds', 86_400)
  ARCHNEST_AGENT_TOKEN_OVERLAP_SECONDS?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @ValidateBy(
    {
      name: 'isCidrList',
      validator: { validate: (value: unknown) => typeof value === 'string' && isCidrList(value) },
    },
    {
      message:
        'ARCHNEST_AGENT_ALLOWED_CIDRS must be a comma-separated list of CIDR networks such as 10.0.0.0/8',
    },
  )
  ARCHNEST_AGENT_ALLOWED_CIDRS?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @ValidateBy(
    {
      name: 'isTrustProxy',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && (/^(on|off|true|false)$/.test(value) || isCidrList(value)),
      },
    },
    {
      message:
        'ARCHNEST_TRUST_PROXY must be off, on, or a comma-separated list of proxy addresses or CIDRs',
    },
  )
  ARCHNEST_TRUST_PROXY?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'STALE_AFTER_MS must be an integer of milliseconds (1000 or more)' })
  @Min(1000, { message: 'STALE_AFTER_MS must be an integer of milliseconds (1000 or more)' })
  STALE_AFTER_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @ValidateIf((vars: EnvironmentVariables) => vars.ARCHNEST_DOCKER_STATS_INTERVAL_MS !== 0)
  @IsInt({ message: DOCKER_STATS_INTERVAL_RULE })
  @Min(1000, { message: DOCKER_STATS_INTERVAL_RULE })
  @Max(20_000, { message: DOCKER_STATS_INTERVAL_RULE })
  ARCHNEST_DOCKER_STATS_INTERVAL_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @ValidateIf((vars: EnvironmentVariables) => vars.ARCHNEST_SSH_STATS_INTERVAL_MS !== 0)
  @IsInt({ message: SSH_STATS_INTERVAL_RULE })
  @Min(1000, { message: SSH_STATS_INTERVAL_RULE })
  @Max(3_600_000, { message: SSH_STATS_INTERVAL_RULE })
  ARCHNEST_SSH_STATS_INTERVAL_MS?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(LOG_LEVELS, { message: `ARCHNEST_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  ARCHNEST_LOG_LEVEL?: LogLevelName;

  @IsOptional()
  @Transform(toInt)
  @ValidateIf((vars: EnvironmentVariables) => vars.ARCHNEST_ALERTS_INTERVAL_MS !== 0)
  @IsInt({ message: ALERTS_INTERVAL_RULE })
  @Min(1000, { message: ALERTS_INTERVAL_RULE })
  @Max(3_600_000, { message: ALERTS_INTERVAL_RULE })
  ARCHNEST_ALERTS_INTERVAL_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: ALERTS_RETRY_RULE })
  @Min(100, { message: ALERTS_RETRY_RULE })
  @Max(600_000, { message: ALERTS_RETRY_RULE })
  ARCHNEST_ALERTS_RETRY_BASE_MS?: number;

  @Bounded('ARCHNEST_ALERTS_MAX_TRIES', 'tries', 100)
  ARCHNEST_ALERTS_MAX_TRIES?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(['on', 'off'], { message: 'ARCHNEST_METRICS_HISTORY must be on or off' })
  ARCHNEST_METRICS_HISTORY?: 'on' | 'off';

  @Bounded('ARCHNEST_METRICS_RETENTION_RAW_HOURS', 'hours', 24 * 31)
  ARCHNEST_METRICS_RETENTION_RAW_HOURS?: number;

  @Bounded('ARCHNEST_METRICS_RETENTION_1M_DAYS', 'days', 366)
  ARCHNEST_METRICS_RETENTION_1M_DAYS?: number;

  @Bounded('ARCHNEST_METRICS_RETENTION_15M_DAYS', 'days', 3660)
  ARCHNEST_METRICS_RETENTION_15M_DAYS?: number;

  @Bounded('ARCHNEST_METRICS_RETENTION_1H_DAYS', 'days', 3660)
  ARCHNEST_METRICS_RETENTION_1H_DAYS?: number;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(16, { message: 'ARCHNEST_METRICS_TOKEN must be at least 16 characters' })
  ARCHNEST_METRICS_TOKEN?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^https?:\/\/[^\s,]+(,https?:\/\/[^\s,]+)*$/, {
    message: 'ARCHNEST_CORS_ORIGINS must be a comma-separated list of http(s) origins',
  })
  ARCHNEST_CORS_ORIGINS?: string;
}

export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment: ${problems.join('; ')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

function describe(errors: ValidationError[]): string[] {
  const messages = errors.flatMap((error) =>
    Object.values(error.constraints ?? { invalid: `${error.property} is invalid` }),
  );
  return [...new Set(messages)];
}

/** Validates the raw environment once; throws naming every bad variable. */
export function parseEnvironment(env: NodeJS.ProcessEnv): EnvironmentVariables {
  const parsed = plainToInstance(EnvironmentVariables, env, { excludeExtraneousValues: false });
  const errors = validateSync(parsed, { skipMissingProperties: false });
  if (errors.length > 0) {
    throw new InvalidEnvironmentError(describe(errors));
  }
  return parsed;
}
