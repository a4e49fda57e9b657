import type { AccessToken, Credentials, SetupStatus } from '@archnest/contracts';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { USERNAME_PATTERN } from '../users/user.dto';

export class LoginDto implements Credentials {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  username!: string;

  @ApiProperty({ writeOnly: true })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}

export class SetupDto implements Credentials {
  @ApiProperty({ example: 'admin', pattern: USERNAME_PATTERN.source })
  @IsString()
  @Matches(USERNAME_PATTERN, {
    message: 'username must be 3-64 letters, digits, dots, dashes or underscores',
  })
  username!: string;

  @ApiProperty({ minLength: 8, maxLength: 256, writeOnly: true })
  @IsString()
  @MinLength(8)
  @MaxLength(256)
  password!: string;
}

export class AccessTokenResponse implements AccessToken {
  @ApiProperty({ description: 'HS256 JWT; send as Authorization: Bearer <token>' })
  accessToken!: string;
}

export class SetupStatusResponse implements SetupStatus {
  @ApiProperty({ description: 'True while no user exists' })
  needsSetup!: boolean;
}
