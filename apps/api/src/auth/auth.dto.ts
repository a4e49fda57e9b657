import type { AccessToken, Credentials, SetupStatus } from '@archnest/contracts';
import { ApiProperty, PickType } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { CreateUserDto } from '../users/user.dto';

export class LoginDto implements Credentials {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  username!: string;

  @ApiProperty({ writeOnly: true, example: 'correct-horse-battery' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}

/** The first admin: same rules as any new user, the role is always admin. */
export class SetupDto
  extends PickType(CreateUserDto, ['username', 'password'] as const)
  implements Credentials {}

export class AccessTokenResponse implements AccessToken {
  @ApiProperty({
    description: 'HS256 JWT, valid for 12 hours; send as Authorization: Bearer <token>',
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl',
  })
  accessToken!: string;
}

export class SetupStatusResponse implements SetupStatus {
  @ApiProperty({ description: 'True while no user exists' })
  needsSetup!: boolean;
}
