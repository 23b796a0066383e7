import { isActiveUseEvent, type ActivityActions } from '../../../domain/src/activity-rules.js';
import type { Product } from '../../../domain/src/products.js';
import { sessionDrawsUnit } from '../../../domain/src/rules/units.js';
import type { StoredLedgerEvent } from '../../../event-store/src/stored-ledger-event.js';
import type { Interval } from '../../../domain/src/rules/peak-sweep.js';
import { occurredAt } from '../replay-account.js';
import { lapsedLeaseEnd } from '../../../domain/src/rules/lease.js';

/** How a usage interval ended: by an event, by its lease lapsing (SPEC §3), or not yet. */
export type Ending = 'SessionEnded' | 'SessionExpired' | 'ApplicationReleased' | 'lease lapsed' | 'open';

/** A unit-drawing session or an active application, as an interval with the events that bound it. */
export interface UsageInterval extends Interval {
  readonly id: string;
  readonly product: Product;
  /** The holder and their organization when it started (sessions; null for applications). */
  readonly userId: string | null;
  readonly orgId: string | null;
  readonly started: StoredLedgerEvent;
  readonly endedBy: StoredLedgerEvent | null;
  readonly ending: Ending;
}

/** An event that happened at one instant for one user (activity, a denied session). */
export interface UserMoment<E extends StoredLedgerEvent = StoredLedgerEvent> {
  readonly event: E;
  readonly at: number;
  readonly product: Product;
  readonly userId: string;
  /** The user's organization at that instant. */
  readonly orgId: string;
}

export interface UsageTimeline {
  /** Online sessions of session products (the ones that hold a concurrency unit), in start order. */
  readonly sessions: readonly UsageInterval[];
  readonly applications: readonly UsageInterval[];
  readonly denials: readonly UserMoment<StoredLedgerEvent<'SessionDenied'>>[];
  /** UserLoggedIn, UserActivityRecorded and SessionStarted: what makes a user active on a day (SPEC §4.3). */
  readonly activity: readonly UserMoment[];
}

/**
 * The usage history of an account's events, in one pass. A session with no SessionEnded or
 * SessionExpired ended when its lease lapsed (`lapsedLeaseEnd`) if that is at or before `now`, else it is still open.
 */
export function usageTimeline(
  events: readonly StoredLedgerEvent[],
  now: number,
  leaseMs: number,
  activityActions: ActivityActions = null,
): UsageTimeline {
  const orgOfUser = new Map<string, string>();
  const open = new Map<
    string,
    { started: StoredLedgerEvent; start: number; lastSeen: number; product: Product; userId: string; orgId: string; counted: boolean }
  >();
  const sessions: UsageInterval[] = [];
  const openApplications = new Map<string, { started: StoredLedgerEvent; start: number }>();
  const applications: UsageInterval[] = [];
  const denials: UserMoment<StoredLedgerEvent<'SessionDenied'>>[] = [];
  const activity: UserMoment[] = [];
  const closeSession = (sessionId: string, end: number, endedBy: StoredLedgerEvent | null, ending: Ending) => {
    const s = open.get(sessionId);
    if (!s) return;
    open.delete(sessionId);
    if (s.counted) {
      sessions.push({
        id: sessionId,
        product: s.product,
        userId: s.userId,
        orgId: s.orgId,
        start: s.start,
        end,
        started: s.started,
        endedBy,
        ending,
      });
    }
  };

  for (const event of events) {
    const at = occurredAt(event);
    if (isActiveUseEvent(event, activityActions)) {
      const { product, userId } = event.data;
      activity.push({ event, at, product, userId, orgId: orgOfUser.get(userId) ?? '' });
    }
    switch (event.type) {
      case 'UserRegistered':
      case 'UserMoved':
        orgOfUser.set(event.data.userId, event.data.orgId);
        break;
      case 'SessionStarted': {
        const { product, userId, sessionId, licenseType } = event.data;
        open.set(sessionId, {
          started: event,
          start: at,
          lastSeen: at,
          product,
          userId,
          orgId: orgOfUser.get(userId) ?? '',
          counted: sessionDrawsUnit(product, licenseType),
        });
        break;
      }
      case 'SessionHeartbeatRecorded': {
        const s = open.get(event.data.sessionId);
        if (s) s.lastSeen = at;
        break;
      }
      case 'SessionEnded':
      case 'SessionExpired':
        closeSession(event.data.sessionId, Date.parse(event.data.endedAt), event, event.type);
        break;
      case 'SessionDenied': {
        const { product, userId } = event.data;
        denials.push({ event, at, product, userId, orgId: orgOfUser.get(userId) ?? '' });
        break;
      }
      case 'ApplicationActivated':
        openApplications.set(event.data.applicationId, { started: event, start: at });
        break;
      case 'ApplicationReleased': {
        const { applicationId } = event.data;
        const a = openApplications.get(applicationId);
        if (!a) break;
        openApplications.delete(applicationId);
        applications.push({
          id: applicationId,
          product: 'TRUETEST',
          userId: null,
          orgId: null,
          start: a.start,
          end: at,
          started: a.started,
          endedBy: event,
          ending: 'ApplicationReleased',
        });
        break;
      }
      default:
        break;
    }
  }
  for (const [sessionId, s] of [...open]) {
    const leaseEnd = lapsedLeaseEnd(s.lastSeen, now, leaseMs);
    if (leaseEnd !== null) closeSession(sessionId, leaseEnd, null, 'lease lapsed');
    else closeSession(sessionId, Number.POSITIVE_INFINITY, null, 'open');
  }
  for (const [applicationId, a] of openApplications) {
    applications.push({
      id: applicationId,
      product: 'TRUETEST',
      userId: null,
      orgId: null,
      start: a.start,
      end: Number.POSITIVE_INFINITY,
      started: a.started,
      endedBy: null,
      ending: 'open',
    });
  }
  const byStart = (x: UsageInterval, y: UsageInterval) => x.start - y.start;
  return { sessions: sessions.sort(byStart), applications: applications.sort(byStart), denials, activity };
}
