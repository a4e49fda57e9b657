import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { ApiKeySummary, CreateApiKey, IssuedApiKey } from '@archnest/contracts';
import { firstValueFrom } from 'rxjs';

const API_KEYS = '/api/auth/api-keys';

/** `/api/auth/api-keys`: a member's own keys; an admin's view holds everyone's. */
@Injectable({ providedIn: 'root' })
export class ApiKeysApi {
  private readonly http = inject(HttpClient);

  list(): Promise<ApiKeySummary[]> {
    return firstValueFrom(this.http.get<ApiKeySummary[]>(API_KEYS));
  }

  /** The answer holds the key itself, this once. */
  create(input: CreateApiKey): Promise<IssuedApiKey> {
    return firstValueFrom(this.http.post<IssuedApiKey>(API_KEYS, input));
  }

  /** The key is refused from the next request on. */
  revoke(id: string): Promise<void> {
    return firstValueFrom(this.http.delete<void>(`${API_KEYS}/${encodeURIComponent(id)}`));
  }
}
