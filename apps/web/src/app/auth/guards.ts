import { inject } from '@angular/core';
import { type CanActivateFn, Router } from '@angular/router';
import { Auth } from './auth';

/** An unreachable server must not trap the user on a blank page: assume setup is done. */
async function needsSetup(auth: Auth): Promise<boolean> {
  try {
    return await auth.needsSetup();
  } catch {
    return false;
  }
}

/** The console itself: setup first, then a session whose user the server recognises. */
export const signedInGuard: CanActivateFn = async () => {
  const auth = inject(Auth);
  const router = inject(Router);
  if (await needsSetup(auth)) {
    return router.createUrlTree(['/setup']);
  }
  if (!auth.token()) {
    return router.createUrlTree(['/login']);
  }
  try {
    await auth.loadUser();
    return true;
  } catch {
    return router.createUrlTree(['/login']);
  }
};

export const signInPageGuard: CanActivateFn = async () => {
  const auth = inject(Auth);
  const router = inject(Router);
  if (await needsSetup(auth)) {
    return router.createUrlTree(['/setup']);
  }
  return auth.user() ? router.createUrlTree(['/containers']) : true;
};

export const setupPageGuard: CanActivateFn = async () => {
  const auth = inject(Auth);
  const router = inject(Router);
  return (await needsSetup(auth)) || router.createUrlTree(['/login']);
};

/** Hides admin pages from members; the server enforces the same rule on every request. */
export const adminGuard: CanActivateFn = () =>
  inject(Auth).isAdmin() || inject(Router).createUrlTree(['/containers']);
