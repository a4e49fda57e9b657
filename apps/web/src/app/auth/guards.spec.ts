import { beforeEach, describe, expect, it, vi } from 'vitest';
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { User, UserRole } from '@archnest/contracts';
import { routes } from '../app.routes';
import { TOKEN_STORAGE_KEY } from './auth';
import { authInterceptor } from './auth-interceptor';

function user(role: UserRole): User {
  return { id: 'u1', username: 'someone', role, createdAt: '', updatedAt: '' };
}

const SET_UP = ['/api/auth/setup', { needsSetup: false }] as const;

describe('app routes', () => {
  let httpTesting: HttpTestingController;
  let harness: RouterTestingHarness;

  beforeEach(async () => {
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        provideRouter(routes),
      ],
    });
    httpTesting = TestBed.inject(HttpTestingController);
    harness = await RouterTestingHarness.create();
  });

  /** Navigates, answering the guards' requests in order; resolves to where the router landed. */
  async function navigate(url: string, answers: (readonly [string, object])[]): Promise<string> {
    const navigation = harness.navigateByUrl(url);
    for (const [requestUrl, body] of answers) {
      (await vi.waitFor(() => httpTesting.expectOne(requestUrl))).flush(body);
    }
    await navigation;
    return TestBed.inject(Router).url;
  }

  it('sends a fresh install to the setup screen', async () => {
    expect(await navigate('/containers', [['/api/auth/setup', { needsSetup: true }]])).toBe(
      '/setup',
    );
  });

  it('keeps the setup screen closed once an admin exists', async () => {
    expect(await navigate('/setup', [SET_UP])).toBe('/login');
  });

  it('asks a visitor without a token to sign in', async () => {
    expect(await navigate('/users', [SET_UP])).toBe('/login');
  });

  it('opens the console for a valid token and redirects unknown routes to /containers', async () => {
    localStorage.setItem(TOKEN_STORAGE_KEY, 'jwt');
    expect(await navigate('/no/such/page', [SET_UP, ['/api/auth/me', user('member')]])).toBe(
      '/containers',
    );
  });

  it('keeps members out of admin pages', async () => {
    localStorage.setItem(TOKEN_STORAGE_KEY, 'jwt');
    expect(await navigate('/users', [SET_UP, ['/api/auth/me', user('member')]])).toBe(
      '/containers',
    );
  });

  it('lets admins into admin pages', async () => {
    localStorage.setItem(TOKEN_STORAGE_KEY, 'jwt');
    expect(await navigate('/hosts', [SET_UP, ['/api/auth/me', user('admin')]])).toBe('/hosts');
  });
});
