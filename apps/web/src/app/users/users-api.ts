import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { CreateUserRequest, UpdateUserRequest, User } from '@archnest/contracts';
import { firstValueFrom } from 'rxjs';

/** `/api/users` (admin only on the server). */
@Injectable({ providedIn: 'root' })
export class UsersApi {
  private readonly http = inject(HttpClient);

  list(): Promise<User[]> {
    return firstValueFrom(this.http.get<User[]>('/api/users'));
  }

  create(user: CreateUserRequest): Promise<User> {
    return firstValueFrom(this.http.post<User>('/api/users', user));
  }

  update(id: string, changes: UpdateUserRequest): Promise<User> {
    return firstValueFrom(this.http.patch<User>(`/api/users/${encodeURIComponent(id)}`, changes));
  }

  remove(id: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`/api/users/${encodeURIComponent(id)}`));
  }
}
