/** Where the page's early script leaves its request (a global of the window, read once). */
const EARLY_KEY_INFO = 'ledgerEarlyKeyInfo';

/**
 * A script that vite.config.ts writes into index.html, before the console's own scripts: with a key
 * in the tab (sessionStorage `storageKey`, app/session.ts) it asks for the key's answer (`GET /v1/me`)
 * while the scripts are still downloading, so the account and the report of a link are asked for as
 * soon as the console starts.
 */
export function earlyKeyInfoScript(storageKey: string): string {
  return (
    `try{var k=sessionStorage.getItem(${JSON.stringify(storageKey)});` +
    `if(k)window.${EARLY_KEY_INFO}=fetch("/v1/me",{headers:{accept:"application/json",authorization:"Bearer "+k}})}catch(e){}`
  );
}

/** The early request, once (null if the page made none): any later ask goes to the API again. */
export function takeEarlyKeyInfo(): Promise<Response> | null {
  const page = window as Window & { [EARLY_KEY_INFO]?: Promise<Response> };
  const early = page[EARLY_KEY_INFO] ?? null;
  delete page[EARLY_KEY_INFO];
  return early;
}
