import { type Routes } from '@angular/router';
import { adminGuard, setupPageGuard, signedInGuard, signInPageGuard } from './auth/guards';

const title = (page: string) => `${page} · ArchNest Containers`;

export const routes: Routes = [
  {
    path: 'setup',
    title: title('First-run setup'),
    canActivate: [setupPageGuard],
    loadComponent: () => import('./auth/setup').then((m) => m.Setup),
  },
  {
    path: 'login',
    title: title('Sign in'),
    canActivate: [signInPageGuard],
    loadComponent: () => import('./auth/login').then((m) => m.Login),
  },
  {
    path: '',
    canActivate: [signedInGuard],
    loadComponent: () => import('./shell/shell').then((m) => m.Shell),
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'containers' },
      {
        path: 'containers/logs',
        title: title('Merged logs'),
        loadComponent: () => import('./containers/merged-logs').then((m) => m.MergedLogs),
      },
      {
        path: 'containers',
        title: title('Containers'),
        loadComponent: () => import('./containers/containers').then((m) => m.Containers),
      },
      {
        path: 'alerts',
        title: title('Alerts'),
        loadComponent: () => import('./alerts/alerts').then((m) => m.Alerts),
      },
      {
        path: 'api-keys',
        title: title('API keys'),
        loadComponent: () => import('./api-keys/api-keys').then((m) => m.ApiKeys),
      },
      {
        path: 'hosts',
        title: title('Hosts'),
        canActivate: [adminGuard],
        loadComponent: () => import('./hosts/hosts').then((m) => m.Hosts),
      },
      {
        path: 'users',
        title: title('Users'),
        canActivate: [adminGuard],
        loadComponent: () => import('./users/users').then((m) => m.Users),
      },
      {
        path: 'audit',
        title: title('Audit'),
        canActivate: [adminGuard],
        loadComponent: () => import('./audit/audit').then((m) => m.Audit),
      },
    ],
  },
  { path: '**', redirectTo: 'containers' },
];
