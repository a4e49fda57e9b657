import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { EntityMetadata } from 'typeorm';
import { Repository } from 'typeorm';
import type { Driver } from 'typeorm/driver/Driver';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { AuditService } from '../audit/audit.service';
import type { AuthUser, RequestUser } from '../common/decorators/current-user.decorator';
import { AppError, ErrorCode } from '../common/errors/app-error';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './password';
import { CreateUserDto, toUserResponse, UpdateUserDto, UserResponse } from './user.dto';
import { UserEntity } from './user.entity';

/** What an authenticated request knows of its user, read fresh on every request. */
const AUTH_USER_FIELDS = [
  'id',
  'username',
  'role',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof RequestUser)[];

/**
 * `SELECT <columns> FROM users WHERE id = <placeholder>` with the driver's own quoting and
 * placeholder (`?` on SQLite, `$1` on PostgreSQL), each column named by its property.
 */
function selectByIdStatement(
  driver: Driver,
  metadata: EntityMetadata,
  columns: readonly ColumnMetadata[],
): string {
  const id = metadata.primaryColumns[0].databaseName;
  const names = columns.map(
    (column) => `${driver.escape(column.databaseName)} AS ${driver.escape(column.propertyName)}`,
  );
  return (
    `SELECT ${names.join(', ')} FROM ${driver.escape(metadata.tableName)} ` +
    `WHERE ${driver.escape(id)} = ${driver.createParameter('id', 0)}`
  );
}

@Injectable()
export class UsersService {
  private readonly driver: Driver;
  private readonly columns: readonly ColumnMetadata[];
  private readonly findByIdSql: string;
  private readonly findAuthUserSql: string;

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly audit: AuditService,
  ) {
    const { metadata } = users;
    this.driver = users.manager.connection.driver;
    this.columns = metadata.columns;
    this.findByIdSql = selectByIdStatement(this.driver, metadata, this.columns);
    const authColumns = AUTH_USER_FIELDS.map((field) => {
      const column = metadata.findColumnWithPropertyName(field);
      if (!column) {
        throw new Error(`users has no column for ${field}`);
      }
      return column;
    });
    this.findAuthUserSql = selectByIdStatement(this.driver, metadata, authColumns);
  }

  count(): Promise<number> {
    return this.users.count();
  }

  /**
   * The whole row, or null. One raw statement built once rather than findOneBy, whose query
   * builder and hydration cost twice the CPU of the lookup (docs/auth-performance.md).
   */
  async findById(id: string): Promise<UserEntity | null> {
    const [row] = await this.users.query<(Record<string, unknown> | undefined)[]>(
      this.findByIdSql,
      [id],
    );
    if (!row) {
      return null;
    }
    const user = new UserEntity();
    for (const column of this.columns) {
      const value: unknown = this.driver.prepareHydratedValue(row[column.propertyName], column);
      column.setEntityValue(user, value);
    }
    return user;
  }

  /**
   * The id, name, current role and times of a user, or null once deleted. Every authenticated
   * request reads it (JWT and API key alike), so a deleted user or a changed role applies at
   * once: one raw `SELECT id, username, role, … FROM users WHERE id = ?`, never a cache.
   */
  async findAuthUser(id: string): Promise<RequestUser | null> {
    const [row] = await this.users.query<(Record<string, unknown> | undefined)[]>(
      this.findAuthUserSql,
      [id],
    );
    if (!row) {
      return null;
    }
    const hydrated = (field: 'createdAt' | 'updatedAt') =>
      this.driver.prepareHydratedValue(
        row[field],
        this.users.metadata.findColumnWithPropertyName(field)!,
      ) as Date;
    return {
      id: row.id as string,
      username: row.username as string,
      role: row.role as RequestUser['role'],
      createdAt: hydrated('createdAt'),
      updatedAt: hydrated('updatedAt'),
    };
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
