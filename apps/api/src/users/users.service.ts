import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../common/decorators/current-user.decorator';
import { AppError, ErrorCode } from '../common/errors/app-error';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './password';
import { CreateUserDto, toUserResponse, UpdateUserDto, UserResponse } from './user.dto';
import { UserEntity } from './user.entity';

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly audit: AuditService,
  ) {}

  count(): Promise<number> {
    return this.users.count();
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  /**
   * The id, name and current role of a user, or null once deleted. Every authenticated request
   * reads it (JWT and API key alike), so a deleted user or a changed role applies at once.
   */
  async findAuthUser(id: string): Promise<AuthUser | null> {
    const user = await this.findById(id);
    return user && { id: user.id, username: user.username, role: user.role };
  }

  /** The user whose password matches, or null; takes the same time for unknown users. */
  async verifyCredentials(username: string, password: string): Promise<UserEntity | null> {
    const user = await this.users.findOneBy({ username });
    const matches = await verifyPassword(
      password,
      user?.passwordHash ?? (await DUMMY_HASH_PROMISE),
    );
    return user && matches ? user : null;
  }

  async list(): Promise<UserResponse[]> {
    const users = await this.users.find({ order: { username: 'ASC' } });
    return users.map(toUserResponse);
  }

  /** Inserts without auditing; callers that act for a user use create(). */
  async insert(dto: CreateUserDto): Promise<UserEntity> {
    await this.assertUsernameFree(dto.username);
    const user = this.users.create({
      id: randomUUID(),
      username: dto.username,
      role: dto.role,
      passwordHash: await hashPassword(dto.password),
    });
    return this.users.save(user);
  }

  async create(actor: AuthUser, dto: CreateUserDto): Promise<UserResponse> {
    const user = await this.insert(dto);
    await this.audit.record({
      actor: actor.username,
      action: 'user.create',
      target: `user:${user.username}`,
      result: 'success',
      detail: `role=${user.role}`,
    });
    return toUserResponse(user);
  }

  async update(actor: AuthUser, id: string, dto: UpdateUserDto): Promise<UserResponse> {
    const user = await this.getOrThrow(id);
    if (dto.username !== undefined && dto.username !== user.username) {
      await this.assertUsernameFree(dto.username);
      user.username = dto.username;
    }
    if (dto.role !== undefined && dto.role !== user.role) {
      await this.assertNotLastAdmin(user, 'demote');
      user.role = dto.role;
    }
    if (dto.password !== undefined) {
      user.passwordHash = await hashPassword(dto.password);
    }
    const saved = await this.users.save(user);
    await this.audit.record({
      actor: actor.username,
      action: 'user.update',
      target: `user:${saved.username}`,
      result: 'success',
      detail: changedFields(dto),
    });
    return toUserResponse(saved);
  }

  async remove(actor: AuthUser, id: string): Promise<void> {
    const user = await this.getOrThrow(id);
    await this.assertNotLastAdmin(user, 'delete');
    await this.users.delete({ id });
    await this.audit.record({
      actor: actor.username,
      action: 'user.delete',
      target: `user:${user.username}`,
      result: 'success',
    });
  }

  private async getOrThrow(id: string): Promise<UserEntity> {
    const user = await this.findById(id);
    if (!user) {
      throw new AppError(ErrorCode.NotFound, `User ${id} not found`);
    }
    return user;
  }

  private async assertUsernameFree(username: string): Promise<void> {
    if (await this.users.existsBy({ username })) {
      throw new AppError(ErrorCode.Conflict, `username ${username} is already taken`);
    }
  }

  private async assertNotLastAdmin(user: UserEntity, verb: 'delete' | 'demote'): Promise<void> {
    if (user.role === 'admin' && (await this.users.countBy({ role: 'admin' })) === 1) {
      throw new AppError(ErrorCode.Conflict, `Cannot ${verb} the last admin`);
    }
  }
}

/** Names what changed, never the values (a password must not reach the audit log). */
function changedFields(dto: UpdateUserDto): string {
  const fields = Object.entries(dto)
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key);
  return `changed=${fields.join(',') || 'nothing'}`;
}
