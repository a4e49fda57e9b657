import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { Router, provideRouter } from '@angular/router';
import type { User } from '@archnest/contracts';
import { TOKEN_STORAGE_KEY } from './auth';
import { authInterceptor } from './auth-interceptor';
import { Login } from './login';

@Component({ template: '' })
class Blank {}

const alice: User = {
  id: 'u1',
  username: 'alice',
  role: 'admin',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

async function fill(loader: HarnessLoader, label: string, value: string): Promise<void> {
  const field = await loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }));
  const input = (await field.getControl(MatInputHarness))!;
  await input.setValue(value);
}

describe('Login', () => {
  let httpTesting: HttpTestingController;
  let fixture: ComponentFixture<Login>;
  let loader: HarnessLoader;

  async function signInAs(username: string, password: string): Promise<void> {
    await fill(loader, 'Username', username);
    await fill(loader, 'Password', password);
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Sign in' }))).click();
  }

  function alertText(): string | undefined {
    fixture.detectChanges();
    return (fixture.nativeElement as HTMLElement).querySelector('[role="alert"]')?.textContent;
  }

  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        provideRouter([{ path: '**', component: Blank }]),
      ],
    });
    httpTesting = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(Login);
    loader = TestbedHarnessEnvironment.loader(fixture);
  });

  // Soft, so a leftover request fails this test without skipping Angular's TestBed teardown.
  afterEach(() => expect.soft(() => httpTesting.verify()).not.toThrow());

  it('signs in, stores the token and opens the containers page', async () => {
    await signInAs('alice', 'correct horse');

    const login = httpTesting.expectOne('/api/auth/login');
    expect(login.request.method).toBe('POST');
    expect(login.request.body).toEqual({ username: 'alice', password: 'correct horse' });
    login.flush({ accessToken: 'jwt-alice' });

    const me = await vi.waitFor(() => httpTesting.expectOne('/api/auth/me'));
    expect(me.request.headers.get('Authorization')).toBe('Bearer jwt-alice');
    me.flush(alice);

    expect(localStorage.getItem(TOKEN_STORAGE_KEY)).toBe('jwt-alice');
    await vi.waitFor(() => expect(TestBed.inject(Router).url).toBe('/containers'));
  });

  it('shows the server message when the credentials are wrong', async () => {
    await signInAs('alice', 'wrong');

    httpTesting
      .expectOne('/api/auth/login')
      .flush(
        { statusCode: 401, error: 'Unauthorized', message: 'Invalid username or password' },
        { status: 401, statusText: 'Unauthorized' },
      );

    await vi.waitFor(() => expect(alertText()).toContain('Invalid username or password'));
    expect(localStorage.getItem(TOKEN_STORAGE_KEY)).toBeNull();
  });

  it('asks to wait when the login is rate-limited', async () => {
    await signInAs('alice', 'guess');

    httpTesting
      .expectOne('/api/auth/login')
      .flush(
        { statusCode: 429, error: 'Too Many Requests', message: 'ThrottlerException' },
        { status: 429, statusText: 'Too Many Requests' },
      );

    await vi.waitFor(() => expect(alertText()).toContain('Too many attempts, wait a minute'));
  });

  it('does not call the server until both fields are filled', async () => {
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Sign in' }))).click();

    httpTesting.expectNone('/api/auth/login');
    expect(alertText()).toBeUndefined();
    expect((fixture.nativeElement as HTMLElement).textContent).toContain('Enter your username');
  });
});
