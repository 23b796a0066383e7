import { isActiveUse, type ActivityActions } from '../../../domain/src/activity-rules.js';
import { modelOf, type Product } from '../../../domain/src/products.js';
import type { StoredEvent } from '../../../event-store/src/event-store.js';
import type { Interval } from '../peak-sweep.js';
import { occurredAt } from '../replay-account.js';
import { lapsedLeaseEnd } from '../replay-sessions.js';

/** How a usage interval ended: by an event, by its lease lapsing (SPEC §3), or not yet. */
export type Ending = 'SessionEnded' | 'SessionExpired' | 'ApplicationReleased' | 'lease lapsed' | 'open';

/** A unit-drawing session or an active application, as an interval with the events that bound it. */
export interface UsageInterval extends Interval {
  readonly id: string;
  readonly product: Product;
  /** The holder and their organization when it started (sessions; null for applications). */
  readonly userId: string | null;
  readonly orgId: string | null;
  readonly started: StoredEvent;
  readonly endedBy: StoredEvent | null;
  readonly ending: Ending;
}

/** An event that happened at one instant for one user (activity, a denied session). */
export interface UserMoment {
  readonly event: StoredEvent;
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
  readonly denials: readonly UserMoment[];
  /** UserLoggedIn, UserActivityRecorded and SessionStarted: what makes a user active on a day (SPEC §4.3). */
  readonly activity: readonly UserMoment[];
}

/**
 * The usage history of an account's events, in one pass. A session with no SessionEnded or
 * SessionExpired ended at `lastSeen + lease` if that is at or before `now`, else it is still open.
 */
export function usageTimeline(events: readonly StoredEvent[], now: number, leaseMs: number, activityActions: ActivityActions = null): UsageTimeline {
  const orgOfUser = new Map<string, string>();
  const open = new Map<string, { started: StoredEvent; start: number; lastSeen: number; product: Product; userId: string; orgId: string; counted: boolean }>();
  const sessions: UsageInterval[] = [];
  const openApplications = new Map<string, { started: StoredEvent; start: number }>();
  const applications: UsageInterval[] = [];
  const denials: UserMoment[] = [];
  const activity: UserMoment[] = [];
  const closeSession = (sessionId: string, end: number, endedBy: StoredEvent | null, ending: Ending) => {
    const s = open.get(sessionId);
    if (!s) return;
    open.delete(sessionId);
    if (s.counted) {
      sessions.push({ id: sessionId, product: s.product, userId: s.userId, orgId: s.orgId, start: s.start, end, started: s.started, endedBy, ending });
    }
  };

  for (const event of events) {
    const at = occurredAt(event);
    const data = event.data as Record<string, string>;
    if (event.type === 'UserRegistered' || event.type === 'UserMoved') orgOfUser.set(data.userId!, data.orgId!);
    if (isActiveUse(event.type, data, activityActions)) {
      activity.push({ event, at, product: data.product as Product, userId: data.userId!, orgId: orgOfUser.get(data.userId!) ?? '' });
    }
    switch (event.type) {
      case 'SessionStarted': {
        const product = data.product as Product;
        open.set(data.sessionId!, {
          started: event, start: at, lastSeen: at, product, userId: data.userId!, orgId: orgOfUser.get(data.userId!) ?? '',
          counted: data.licenseType === 'online' && modelOf(product) === 'session',
        });
        break;
      }
      case 'SessionHeartbeatRecorded': {
        const s = open.get(data.sessionId!);
        if (s) s.lastSeen = at;
        break;
      }
      case 'SessionEnded':
      case 'SessionExpired':
        closeSession(data.sessionId!, Date.parse(data.endedAt!), event, event.type);
        break;
      case 'SessionDenied':
        denials.push({ event, at, product: data.product as Product, userId: data.userId!, orgId: orgOfUser.get(data.userId!) ?? '' });
        break;
      case 'ApplicationActivated':
        openApplications.set(data.applicationId!, { started: event, start: at });
        break;
      case 'ApplicationReleased': {
        const a = openApplications.get(data.applicationId!);
        if (!a) break;
        openApplications.delete(data.applicationId!);
        applications.push({ id: data.applicationId!, product: 'TRUETEST', userId: null, orgId: null, start: a.start, end: at, started: a.started, endedBy: event, ending: 'ApplicationReleased' });
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
    applications.push({ id: applicationId, product: 'TRUETEST', userId: null, orgId: null, start: a.start, end: Number.POSITIVE_INFINITY, started: a.started, endedBy: null, ending: 'open' });
  }
  const byStart = (x: UsageInterval, y: UsageInterval) => x.start - y.start;
  return { sessions: sessions.sort(byStart), applications: applications.sort(byStart), denials, activity };
}
