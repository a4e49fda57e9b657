import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MatSnackBarHarness } from '@angular/material/snack-bar/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import { provideRouter } from '@angular/router';
import type { User, UserRole } from '@archnest/contracts';
import { authInterceptor } from '../auth/auth-interceptor';
import { Users } from './users';

function user(id: string, username: string, role: UserRole): User {
  return {
    id,
    username,
    role,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  };
}

const alice = user('u1', 'alice', 'admin');
const bob = user('u2', 'bob', 'member');
const carol = user('u3', 'carol', 'member');

describe('Users', () => {
  let httpTesting: HttpTestingController;
  let loader: HarnessLoader;
  let documentLoader: HarnessLoader;

  async function usernames(): Promise<string[]> {
    const table = await loader.getHarness(MatTableHarness);
    return (await table.getCellTextByColumnName())['username'].text;
  }

  /** Answers the page's `GET /api/users` (it reloads after every change). */
  async function flushList(users: User[]): Promise<void> {
    (await vi.waitFor(() => httpTesting.expectOne({ method: 'GET', url: '/api/users' }))).flush(
      users,
    );
  }

  async function snackBarMessage(): Promise<string> {
    return (await documentLoader.getHarness(MatSnackBarHarness)).getMessage();
  }

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
        provideRouter([]),
      ],
    });
    httpTesting = TestBed.inject(HttpTestingController);
    const fixture = TestBed.createComponent(Users);
    loader = TestbedHarnessEnvironment.loader(fixture);
    documentLoader = TestbedHarnessEnvironment.documentRootLoader(fixture);
    await flushList([alice, bob]);
  });

  // Soft, so a leftover request fails this test without skipping Angular's TestBed teardown.
  afterEach(() => expect.soft(() => httpTesting.verify()).not.toThrow());

  it('lists the users', async () => {
    expect(await usernames()).toEqual(['alice', 'bob']);
  });

  it('creates a user from the dialog and refreshes the list', async () => {
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Create user' }))).click();
    const dialog = await documentLoader.getHarness(MatDialogHarness);
    for (const [label, value] of [
      ['Username', 'carol'],
      ['Password', 'a long password'],
    ]) {
      const field = await dialog.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }));
      await (await field.getControl(MatInputHarness))!.setValue(value);
    }
    const role = await dialog.getHarness(MatSelectHarness);
    await role.open();
    await role.clickOptions({ text: 'Administrator' });
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Create' }))).click();

    const create = httpTesting.expectOne({ method: 'POST', url: '/api/users' });
    expect(create.request.body).toEqual({
      username: 'carol',
      password: 'a long password',
      role: 'admin',
    });
    create.flush({ ...carol, role: 'admin' });
    await flushList([alice, bob, carol]);

    expect(await usernames()).toEqual(['alice', 'bob', 'carol']);
    expect(await documentLoader.getAllHarnesses(MatDialogHarness)).toHaveLength(0);
    expect(await snackBarMessage()).toBe('User carol created');
  });

  it('keeps the dialog open and shows the server message when creation fails', async () => {
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Create user' }))).click();
    const dialog = await documentLoader.getHarness(MatDialogHarness);
    for (const [label, value] of [
      ['Username', 'alice'],
      ['Password', 'a long password'],
    ]) {
      const field = await dialog.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }));
      await (await field.getControl(MatInputHarness))!.setValue(value);
    }
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Create' }))).click();

    httpTesting
      .expectOne({ method: 'POST', url: '/api/users' })
      .flush(
        { statusCode: 409, error: 'Conflict', message: 'Username alice is taken' },
        { status: 409, statusText: 'Conflict' },
      );

    await vi.waitFor(async () => expect(await snackBarMessage()).toBe('Username alice is taken'));
    expect(await documentLoader.getAllHarnesses(MatDialogHarness)).toHaveLength(1);
  });

  it('changes a role', async () => {
    const bobsRole = await loader.getHarness(
      MatSelectHarness.with({ selector: '[aria-label="Role of bob"]' }),
    );
    await bobsRole.open();
    await bobsRole.clickOptions({ text: 'Administrator' });

    const update = httpTesting.expectOne({ method: 'PATCH', url: '/api/users/u2' });
    expect(update.request.body).toEqual({ role: 'admin' });
    update.flush({ ...bob, role: 'admin' });
    await flushList([alice, { ...bob, role: 'admin' }]);
  });

  it('deletes a user only after confirmation', async () => {
    const deleteBob = () =>
      loader.getHarness(MatButtonHarness.with({ selector: '[aria-label="Delete bob"]' }));

    await (await deleteBob()).click();
    let confirm = await documentLoader.getHarness(MatDialogHarness);
    expect(await confirm.getTitleText()).toBe('Delete user?');
    await (await confirm.getHarness(MatButtonHarness.with({ text: 'Cancel' }))).click();
    httpTesting.expectNone({ method: 'DELETE' });

    await (await deleteBob()).click();
    confirm = await documentLoader.getHarness(MatDialogHarness);
    await (await confirm.getHarness(MatButtonHarness.with({ text: 'Delete' }))).click();

    (
      await vi.waitFor(() => httpTesting.expectOne({ method: 'DELETE', url: '/api/users/u2' }))
    ).flush(null);
    await flushList([alice]);
    expect(await usernames()).toEqual(['alice']);
  });

  it('reports a refused delete with the server message', async () => {
    await (
      await loader.getHarness(MatButtonHarness.with({ selector: '[aria-label="Delete alice"]' }))
    ).click();
    const confirm = await documentLoader.getHarness(MatDialogHarness);
    await (await confirm.getHarness(MatButtonHarness.with({ text: 'Delete' }))).click();

    (
      await vi.waitFor(() => httpTesting.expectOne({ method: 'DELETE', url: '/api/users/u1' }))
    ).flush(
      { statusCode: 409, error: 'Conflict', message: 'The last admin cannot be deleted' },
      { status: 409, statusText: 'Conflict' },
    );
    await flushList([alice, bob]);

    expect(await snackBarMessage()).toBe('The last admin cannot be deleted');
    expect(await usernames()).toEqual(['alice', 'bob']);
  });
});
