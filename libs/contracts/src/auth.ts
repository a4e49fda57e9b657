export const USER_ROLES = ['admin', 'member'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface User {
  id: string;
  username: string;
  role: UserRole;
  createdAt: string;
  updatedAt: string;
}

export interface Credentials {
  username: string;
  password: string;
}

export interface AccessToken {
  accessToken: string;
}

/** `GET /api/auth/setup` tells the console whether the first-run screen applies. */
export interface SetupStatus {
  needsSetup: boolean;
}
