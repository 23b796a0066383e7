import type { LedgerEventBody } from './event-decoding.js';

/**
 * Which `RecordActivity` actions count as activity (configured by `ACTIVITY_ACTIONS`): they make a
 * user active on a seat product in `seat-usage` (SPEC §4.3) and are the `lastActiveUse` of
 * `assignments` (§4.2). `null` = every action counts; otherwise only the listed names (exact match).
 */
export type ActivityActions = readonly string[] | null;

export const EVERY_ACTION: ActivityActions = null;

/** The event types that can make a user active; logins and session starts always do. */
export const ACTIVE_USE_EVENT_TYPES = ['UserLoggedIn', 'UserActivityRecorded', 'SessionStarted'] as const;
export type ActiveUseEventType = (typeof ACTIVE_USE_EVENT_TYPES)[number];

/** Whether a `UserActivityRecorded` with this action counts as activity under the rule. */
export function countsAsActivity(action: string, actions: ActivityActions): boolean {
  return actions === null || actions.includes(action);
}

/**
 * Whether an event is a qualifying use of its product: a login, a session start, or recorded
 * activity whose action counts. Any other event type is not. Narrows it to the active-use types,
 * whose payloads name the product and the user.
 */
export function isActiveUseEvent<E extends LedgerEventBody>(
  event: E,
  actions: ActivityActions,
): event is Extract<E, { readonly type: ActiveUseEventType }> {
  return qualifiesAsActiveUse(event, actions);
}

function qualifiesAsActiveUse(event: LedgerEventBody, actions: ActivityActions): boolean {
  switch (event.type) {
    case 'UserLoggedIn':
    case 'SessionStarted':
      return true;
    case 'UserActivityRecorded':
      return countsAsActivity(event.data.action, actions);
    default:
      return false;
  }
}
