import { BreakpointObserver, Breakpoints } from '@angular/cdk/layout';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  computed,
  inject,
  viewChild,
} from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule, MatIconRegistry } from '@angular/material/icon';
import { MatListModule } from '@angular/material/list';
import { MatMenuModule } from '@angular/material/menu';
import { MatSidenav, MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { MatTooltipModule } from '@angular/material/tooltip';
import { DomSanitizer } from '@angular/platform-browser';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { map } from 'rxjs';
import { FiringAlerts } from '../alerts/firing-alerts';
import { Auth, ROLE_LABELS } from '../auth/auth';
import { registerShellIcons } from './icons';
import { Theme } from './theme';

interface NavItem {
  path: string;
  label: string;
  adminOnly: boolean;
  /** Shows how many alerts fire now. */
  firingBadge?: boolean;
}

const NAV_ITEMS: readonly NavItem[] = [
  { path: '/containers', label: 'Containers', adminOnly: false },
  { path: '/alerts', label: 'Alerts', adminOnly: false, firingBadge: true },
  { path: '/hosts', label: 'Hosts', adminOnly: true },
  { path: '/users', label: 'Users', adminOnly: true },
  { path: '/audit', label: 'Audit', adminOnly: true },
];

/** The signed-in frame: toolbar, account menu, theme toggle and role-aware navigation. */
@Component({
  selector: 'app-shell',
  imports: [
    RouterLink,
    RouterLinkActive,
    RouterOutlet,
    MatButtonModule,
    MatIconModule,
    MatListModule,
    MatMenuModule,
    MatSidenavModule,
    MatToolbarModule,
    MatTooltipModule,
  ],
  templateUrl: './shell.html',
  styleUrl: './shell.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Shell {
  private readonly auth = inject(Auth);
  private readonly theme = inject(Theme);
  private readonly sidenav = viewChild.required(MatSidenav);

  protected readonly isHandset = toSignal(
    inject(BreakpointObserver)
      .observe(Breakpoints.Handset)
      .pipe(map((state) => state.matches)),
    { initialValue: false },
  );
  protected readonly user = this.auth.user;
  protected readonly roleLabel = computed(() => {
    const role = this.user()?.role;
    return role ? ROLE_LABELS[role] : '';
  });
  protected readonly navItems = computed(() =>
    NAV_ITEMS.filter((item) => !item.adminOnly || this.auth.isAdmin()),
  );
  /** Alerts firing now, polled for the badge of the Alerts entry (none shown at 0). */
  protected readonly firing = inject(FiringAlerts).count;
  protected readonly isDark = computed(() => this.theme.scheme() === 'dark');
  protected readonly themeToggleLabel = computed(() =>
    this.isDark() ? 'Switch to light theme' : 'Switch to dark theme',
  );

  constructor() {
    registerShellIcons(inject(MatIconRegistry), inject(DomSanitizer));
    inject(DestroyRef).onDestroy(inject(FiringAlerts).poll());
  }

  protected toggleTheme(): void {
    this.theme.toggle();
  }

  protected signOut(): void {
    this.auth.signOut();
  }

  protected closeNavOnHandset(): void {
    if (this.isHandset()) {
      void this.sidenav().close();
    }
  }
}
