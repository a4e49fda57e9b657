import { DOCUMENT, Injectable, inject, signal } from '@angular/core';

export type ColorScheme = 'light' | 'dark';
export const THEME_STORAGE_KEY = 'archnest.theme';

function savedScheme(): ColorScheme | null {
  const saved = localStorage.getItem(THEME_STORAGE_KEY);
  return saved === 'light' || saved === 'dark' ? saved : null;
}

/**
 * Light or dark. Until the user picks one, styles.scss follows the operating system; the choice is
 * applied as `color-scheme` on <html>, which the Material 3 system tokens (`light-dark()`) follow.
 */
@Injectable({ providedIn: 'root' })
export class Theme {
  private readonly document = inject(DOCUMENT);
  private readonly schemeState = signal<ColorScheme>(savedScheme() ?? this.systemScheme());

  readonly scheme = this.schemeState.asReadonly();

  restoreSavedScheme(): void {
    const saved = savedScheme();
    if (saved) {
      this.apply(saved);
    }
  }

  toggle(): void {
    const next: ColorScheme = this.schemeState() === 'dark' ? 'light' : 'dark';
    localStorage.setItem(THEME_STORAGE_KEY, next);
    this.apply(next);
  }

  private apply(scheme: ColorScheme): void {
    this.schemeState.set(scheme);
    this.document.documentElement.style.colorScheme = scheme;
  }

  private systemScheme(): ColorScheme {
    const view = this.document.defaultView;
    return view?.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  }
}
