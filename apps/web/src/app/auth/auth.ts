import { HttpClient } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import { Router } from '@angular/router';
import type { AccessToken, Credentials, SetupStatus, User, UserRole } from '@archnest/contracts';
import { firstValueFrom } from 'rxjs';

export const TOKEN_STORAGE_KEY = 'archnest.accessToken';
export const MIN_PASSWORD_LENGTH = 8;
export const ROLE_LABELS: Record<UserRole, string> = { admin: 'Administrator', member: 'Member' };

/** The signed-in session: the JWT (kept in localStorage), the user it belongs to, first-run state. */
@Injectable({ providedIn: 'root' })
export class Auth {
  private readonly http = inject(HttpClient);
  private readonly router = inject(Router);

  private readonly tokenState = signal<string | null>(localStorage.getItem(TOKEN_STORAGE_KEY));
  private readonly userState = signal<User | null>(null);
  private setupStatus: Promise<boolean> | null = null;

  readonly token = this.tokenState.asReadonly();
  readonly user = this.userState.asReadonly();
  readonly isAdmin = computed(() => this.userState()?.role === 'admin');

  /** Whether the first admin still has to be created; asked once, retried after a failure. */
  needsSetup(): Promise<boolean> {
    this.setupStatus ??= firstValueFrom(this.http.get<SetupStatus>('/api/auth/setup')).then(
      (status) => status.needsSetup,
      (error: unknown) => {
        this.setupStatus = null;
        throw error;
      },
    );
    return this.setupStatus;
  }

  async signIn(credentials: Credentials): Promise<void> {
    const { accessToken } = await firstValueFrom(
      this.http.post<AccessToken>('/api/auth/login', credentials),
    );
    await this.startSession(accessToken);
  }

  async createFirstAdmin(credentials: Credentials): Promise<void> {
    const { accessToken } = await firstValueFrom(
      this.http.post<AccessToken>('/api/auth/setup', credentials),
    );
    this.setupStatus = Promise.resolve(false);
    await this.startSession(accessToken);
  }

  /** Loads the user behind the stored token (once per page load). */
  async loadUser(): Promise<User> {
    const user = this.userState() ?? (await firstValueFrom(this.http.get<User>('/api/auth/me')));
    this.userState.set(user);
    return user;
  }

  signOut(): void {
    this.clearSession();
    void this.router.navigateByUrl('/login');
  }

  private async startSession(accessToken: string): Promise<void> {
    localStorage.setItem(TOKEN_STORAGE_KEY, accessToken);
    this.tokenState.set(accessToken);
    this.userState.set(null);
    await this.loadUser();
  }

  private clearSession(): void {
    localStorage.removeItem(TOKEN_STORAGE_KEY);
    this.tokenState.set(null);
    this.userState.set(null);
  }
}
