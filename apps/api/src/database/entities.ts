import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { UserEntity } from '../users/user.entity';

/** Every TypeORM entity; each lives in its feature's folder. */
export const ENTITIES = [UserEntity, AuditEntryEntity];
