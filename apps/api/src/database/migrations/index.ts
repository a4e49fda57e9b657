import { InitialSchema1764259200000 } from './1764259200000-initial-schema';

/** Every migration, oldest first. Add new ones at the end. */
export const MIGRATIONS = [InitialSchema1764259200000];
