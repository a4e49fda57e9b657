import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AdminOnly } from '../common/decorators/admin-only.decorator';
import { AuthUser, CurrentUser } from '../common/decorators/current-user.decorator';
import { ApiErrors, SIGNED_IN_ADMIN } from '../common/openapi/api-errors';
import { ApiJsonBody } from '../common/openapi/api-json-body';
import { USER_JWT } from '../openapi';
import { CreateUserDto, UpdateUserDto, UserResponse } from './user.dto';
import { UsersService } from './users.service';

const UNKNOWN_USER = { 404: 'No user with this id' };

@ApiTags('users')
@ApiBearerAuth(USER_JWT)
@AdminOnly()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({
    operationId: 'listUsers',
    summary: 'List users',
    description: 'Every user with its role, by username; never a password. Admins only.',
  })
  @ApiOkResponse({ type: [UserResponse] })
  @ApiErrors(SIGNED_IN_ADMIN)
  list(): Promise<UserResponse[]> {
    return this.users.list();
  }

  @Post()
  @ApiOperation({
    operationId: 'createUser',
    summary: 'Create a user',
    description:
      'Adds a user who signs in with this username and password; members read, admins also ' +
      'change things. Audited. Admins only.',
  })
  @ApiJsonBody(CreateUserDto, {
    member: {
      summary: 'A member',
      value: { username: 'alice', password: 'alice-password-1', role: 'member' },
    },
    admin: {
      summary: 'Another admin',
      value: { username: 'bob', password: 'bob-password-1', role: 'admin' },
    },
  })
  @ApiCreatedResponse({ type: UserResponse })
  @ApiErrors({
    400: 'Invalid username, password or role; the message names the field',
    ...SIGNED_IN_ADMIN,
    409: 'Username taken',
  })
  create(@CurrentUser() actor: AuthUser, @Body() dto: CreateUserDto): Promise<UserResponse> {
    return this.users.create(actor, dto);
  }

  @Patch(':id')
  @ApiOperation({
    operationId: 'updateUser',
    summary: 'Update a user',
    description:
      'Changes the fields given (username, password, role); the others stay. The last admin ' +
      'cannot be demoted. A new role applies from the next request, tokens already issued ' +
      'included. Audited, without the values. Admins only.',
  })
  @ApiJsonBody(UpdateUserDto, {
    promote: { summary: 'Make an admin', value: { role: 'admin' } },
    password: { summary: 'Set a new password', value: { password: 'new-password-2' } },
  })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors({
    400: 'Invalid id or field; the message names it',
    ...SIGNED_IN_ADMIN,
    ...UNKNOWN_USER,
    409: 'Username taken, or the last admin would be demoted',
  })
  update(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserResponse> {
    return this.users.update(actor, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'deleteUser',
    summary: 'Delete a user',
    description:
      'Removes the user; the last admin cannot be deleted. Its tokens stop working. Audited. ' +
      'Admins only.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors({
    400: 'id is not a UUID',
    ...SIGNED_IN_ADMIN,
    ...UNKNOWN_USER,
    409: 'The last admin cannot be deleted',
  })
  remove(@CurrentUser() actor: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.users.remove(actor, id);
  }
}
