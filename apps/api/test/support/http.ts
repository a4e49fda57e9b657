import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export interface Reply<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
  text: string;
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** A tiny HTTP client over Fastify's in-process injection (real routing, guards and pipes). */
export class Http {
  constructor(
    private readonly app: NestFastifyApplication,
    private readonly token?: string,
  ) {}

  as(token: string | undefined): Http {
    return new Http(this.app, token);
  }

  get<T = unknown>(url: string): Promise<Reply<T>> {
    return this.send<T>('GET', url);
  }

  post<T = unknown>(url: string, payload?: unknown): Promise<Reply<T>> {
    return this.send<T>('POST', url, payload);
  }

  patch<T = unknown>(url: string, payload?: unknown): Promise<Reply<T>> {
    return this.send<T>('PATCH', url, payload);
  }

  delete<T = unknown>(url: string): Promise<Reply<T>> {
    return this.send<T>('DELETE', url);
  }

  async send<T>(method: Method, url: string, payload?: unknown): Promise<Reply<T>> {
    const response = await this.app.inject({
      method,
      url,
      headers: this.token ? { authorization: `Bearer ${this.token}` } : {},
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    const text = response.body;
    const isJson = String(response.headers['content-type'] ?? '').includes('application/json');
    return {
      status: response.statusCode,
      body: (isJson && text ? JSON.parse(text) : text) as T,
      headers: response.headers,
      text,
    };
  }
}

export const ADMIN = { username: 'admin', password: 'admin-password-1' };
export const MEMBER = { username: 'mia', password: 'member-password-1' };

/** Runs first-run setup and creates a member; returns both tokens. */
export async function seedUsers(http: Http): Promise<{ admin: string; member: string }> {
  const setup = await http.post<{ accessToken: string }>('/api/auth/setup', ADMIN);
  if (setup.status !== 201) {
    throw new Error(`setup failed: ${setup.status} ${setup.text}`);
  }
  const admin = setup.body.accessToken;
  const created = await http.as(admin).post('/api/users', { ...MEMBER, role: 'member' });
  if (created.status !== 201) {
    throw new Error(`member create failed: ${created.status} ${created.text}`);
  }
  const login = await http.post<{ accessToken: string }>('/api/auth/login', MEMBER);
  return { admin, member: login.body.accessToken };
}
