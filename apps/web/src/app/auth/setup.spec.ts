import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { Router, provideRouter } from '@angular/router';
import type { User } from '@archnest/contracts';
import { Auth, TOKEN_STORAGE_KEY } from './auth';
import { authInterceptor } from './auth-interceptor';
import { Setup } from './setup';

@Component({ template: '' })
class Blank {}

const admin: User = {
  id: 'u1',
  username: 'root',
  role: 'admin',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

describe('Setup', () => {
  let httpTesting: HttpTestingController;
  let fixture: ComponentFixture<Setup>;
  let loader: HarnessLoader;

  function field(label: string): Promise<MatFormFieldHarness> {
    return loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }));
  }

  async function fillForm(password: string, confirmation: string): Promise<void> {
    const values: [string, string][] = [
      ['Username', 'root'],
      ['Password', password],
      ['Confirm password', confirmation],
    ];
    for (const [label, value] of values) {
      await (await (await field(label)).getControl(MatInputHarness))!.setValue(value);
    }
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Create admin' }))).click();
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
    fixture = TestBed.createComponent(Setup);
    loader = TestbedHarnessEnvironment.loader(fixture);
  });

  // Soft, so a leftover request fails this test without skipping Angular's TestBed teardown.
  afterEach(() => expect.soft(() => httpTesting.verify()).not.toThrow());

  it('refuses a confirmation that differs from the password', async () => {
    await fillForm('long enough password', 'another password!!');

    const confirmation = await field('Confirm password');
    expect(await confirmation.hasErrors()).toBe(true);
    expect(await confirmation.getTextErrors()).toEqual(['Passwords do not match']);
    httpTesting.expectNone('/api/auth/setup');
  });

  it('refuses a password shorter than 8 characters', async () => {
    await fillForm('short', 'short');

    expect(await (await field('Password')).getTextErrors()).toEqual(['Use at least 8 characters']);
    httpTesting.expectNone('/api/auth/setup');
  });

  it('creates the first admin and lands signed in on the containers page', async () => {
    await fillForm('long enough password', 'long enough password');

    const setup = httpTesting.expectOne('/api/auth/setup');
    expect(setup.request.method).toBe('POST');
    expect(setup.request.body).toEqual({ username: 'root', password: 'long enough password' });
    setup.flush({ accessToken: 'jwt-root' });
    (await vi.waitFor(() => httpTesting.expectOne('/api/auth/me'))).flush(admin);

    await vi.waitFor(() => expect(TestBed.inject(Router).url).toBe('/containers'));
    expect(localStorage.getItem(TOKEN_STORAGE_KEY)).toBe('jwt-root');
    expect(TestBed.inject(Auth).user()).toEqual(admin);
    expect(await TestBed.inject(Auth).needsSetup()).toBe(false);
  });

  it('shows the server message when setup was already done', async () => {
    await fillForm('long enough password', 'long enough password');

    httpTesting
      .expectOne('/api/auth/setup')
      .flush(
        { statusCode: 409, error: 'Conflict', message: 'Setup has already been completed' },
        { status: 409, statusText: 'Conflict' },
      );

    await vi.waitFor(() => {
      fixture.detectChanges();
      expect(
        (fixture.nativeElement as HTMLElement).querySelector('[role="alert"]')?.textContent,
      ).toContain('Setup has already been completed');
    });
  });
});
