/** Time units, products and names the simulated accounts share. */

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;
/** SESSION_LEASE_SECONDS default: the generator assumes the server runs with it. */
export const LEASE_MS = 900_000;
export const HEARTBEAT_MS = 10 * MINUTE_MS;

export const TIMEZONES = ['America/New_York', 'Europe/Berlin', 'UTC', 'Asia/Ho_Chi_Minh', 'America/Los_Angeles', 'Australia/Sydney', 'Asia/Tokyo'];
export const KSE_ACTIONS = ['open-project', 'record-test', 'run-test-case', 'run-test-suite', 'spy-object', 'edit-script'];
export const TESTOPS_ACTIONS = ['view-report', 'plan-release', 'triage-failure', 'schedule-run'];

export const SEAT_PRODUCTS = ['KSE', 'TESTOPS', 'KAM'] as const;
export const SESSION_PRODUCTS = ['KRE', 'TC_DESKTOP', 'TC_MOBILE_NATIVE'] as const;
export const ACCOUNT = 'account';
