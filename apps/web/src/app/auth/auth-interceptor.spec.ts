import { beforeEach, describe, expect, it, vi } from 'vitest';
import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { TOKEN_STORAGE_KEY } from './auth';
import { authInterceptor } from './auth-interceptor';

@Component({ template: '' })
class Blank {}

function setUp() {
  TestBed.configureTestingModule({
    providers: [
      provideHttpClient(withInterceptors([authInterceptor])),
      provideHttpClientTesting(),
      provideRouter([{ path: '**', component: Blank }]),
    ],
  });
  return {
    http: TestBed.inject(HttpClient),
    httpTesting: TestBed.inject(HttpTestingController),
    router: TestBed.inject(Router),
  };
}

describe('authInterceptor', () => {
  beforeEach(() => localStorage.clear());

  it('sends the stored token as a bearer header on API calls', async () => {
    localStorage.setItem(TOKEN_STORAGE_KEY, 'jwt-1');
    const { http, httpTesting } = setUp();

    const response = firstValueFrom(http.get('/api/users'));
    const request = httpTesting.expectOne('/api/users');
    expect(request.request.headers.get('Authorization')).toBe('Bearer jwt-1');
    request.flush([]);
    await response;
    httpTesting.verify();
  });

  it('sends no header when signed out', () => {
    const { http, httpTesting } = setUp();

    http.get('/api/auth/setup').subscribe();
    expect(httpTesting.expectOne('/api/auth/setup').request.headers.has('Authorization')).toBe(
      false,
    );
  });

  it('drops the token and goes to /login when the server answers 401', async () => {
    localStorage.setItem(TOKEN_STORAGE_KEY, 'expired');
    const { http, httpTesting, router } = setUp();
    await router.navigateByUrl('/users');

    const response = firstValueFrom(http.get('/api/users'));
    httpTesting
      .expectOne('/api/users')
      .flush(
        { statusCode: 401, error: 'Unauthorized', message: 'Unauthorized' },
        { status: 401, statusText: 'Unauthorized' },
      );

    await expect(response).rejects.toMatchObject({ status: 401 });
    await vi.waitFor(() => expect(router.url).toBe('/login'));
    expect(localStorage.getItem(TOKEN_STORAGE_KEY)).toBeNull();
  });

  it('keeps the session on other errors', async () => {
    localStorage.setItem(TOKEN_STORAGE_KEY, 'jwt-1');
    const { http, httpTesting } = setUp();

    const response = firstValueFrom(http.get('/api/users'));
    httpTesting
      .expectOne('/api/users')
      .flush({ statusCode: 403, message: 'Forbidden' }, { status: 403, statusText: 'Forbidden' });

    await expect(response).rejects.toMatchObject({ status: 403 });
    expect(localStorage.getItem(TOKEN_STORAGE_KEY)).toBe('jwt-1');
  });
});
