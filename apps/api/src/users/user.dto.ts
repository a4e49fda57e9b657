import {
  type CreateUserRequest,
  type UpdateUserRequest,
  USER_ROLES,
  type User,
  type UserRole,
} from '@archnest/contracts';
import { ApiProperty, PartialType } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import type { UserEntity } from './user.entity';

export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/;

export class CreateUserDto implements CreateUserRequest {
  @ApiProperty({ example: 'alice', pattern: USERNAME_PATTERN.source })
  @IsString()
  @Matches(USERNAME_PATTERN, {
    message: 'username must be 3-64 letters, digits, dots, dashes or underscores',
  })
  username!: string;

  @ApiProperty({ minLength: 8, maxLength: 256, writeOnly: true, example: 'alice-password-1' })
  @IsString()
  @MinLength(8)
  @MaxLength(256)
  password!: string;

  @ApiProperty({ enum: USER_ROLES, example: 'member' })
  @IsIn(USER_ROLES)
  role!: UserRole;
}

export class UpdateUserDto extends PartialType(CreateUserDto) implements UpdateUserRequest {}

export class UserResponse implements User {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ enum: USER_ROLES }) role!: UserRole;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export function toUserResponse(user: UserEntity): UserResponse {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
