/** What an alert found: its subject and the figures its value was read from (the API's `AlertView` carries them, libs/contracts). */

/** What an `expiring` alert is about. */
export type AlertSubject =
  | { readonly kind: 'purchase'; readonly purchaseId: string; readonly expiresAt: string }
  | { readonly kind: 'offline-license'; readonly userId: string; readonly machineId: string; readonly expiresAt: string };

/** The figures an alert's value was read from. */
export type AlertFigures =
  | { readonly kind: 'pool'; readonly used: number; readonly pool: number; readonly available: number }
  | { readonly kind: 'denials'; readonly attempts: number; readonly windowStart: string }
  | { readonly kind: 'expiry'; readonly expiresAt: string; readonly daysLeft: number };
