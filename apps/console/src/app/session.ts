/**
 * The API key of this browser tab. Kept in sessionStorage: it lives as long as the tab, is never
 * shared with other tabs, and is never written into a URL (links carry view state only).
 */
export const STORAGE_KEY = 'license-ledger.api-key';

export function storedKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function storeKey(token: string): void {
  sessionStorage.setItem(STORAGE_KEY, token.trim());
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
