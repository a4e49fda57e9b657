import type { TokenState } from '@archnest/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { AppError, ErrorCode } from '../common/errors/app-error';

/** What agent token and API key lists share. */
export class IssuedTokenSummaryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ example: 'archnest_agent_Q3xz…', description: 'Prefix and first characters' })
  hint!: string;
  @ApiProperty({ enum: ['active', 'expired'] }) state!: TokenState;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastUsedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Source address of the last use' })
  lastAddress!: string | null;
}

/** Printable text: no control characters, nor the U+FFFD that stands for bytes that were not UTF-8. */
export const TOKEN_NAME_PATTERN = /^[^\p{C}\uFFFD]+$/u;

/** The name of a token or key, for the people who list them: 1-128 printable characters. */
export function IsTokenName(): PropertyDecorator {
  return (target, key) => {
    IsString({ message: 'name must be a string' })(target, key);
    MinLength(1, { message: 'name must not be empty' })(target, key);
    MaxLength(128, { message: 'name must be at most 128 characters' })(target, key);
    Matches(TOKEN_NAME_PATTERN, { message: 'name must be printable text' })(target, key);
  };
}

export class TokenIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'id must be a UUID' })
  id!: string;
}

/** expiresAt as given (ISO 8601, validated by the DTO), refused unless in the future. */
export function futureDate(value: string | undefined, field = 'expiresAt'): Date | null {
  if (value === undefined) {
    return null;
  }
  const at = new Date(value);
  if (!(at.getTime() > Date.now())) {
    throw new AppError(ErrorCode.BadRequest, `${field} must be a time in the future`);
  }
  return at;
}
