import type { Product } from '../../domain/src/products.js';
import { sessionDrawsUnit } from '../../domain/src/rules/units.js';
import { sessionEndAt } from '../../domain/src/rules/lease.js';
import type { StoredLedgerEvent } from '../../event-store/src/stored-ledger-event.js';
import type { Interval } from '../../domain/src/rules/peak-sweep.js';
import { occurredAt, statesAt } from './replay-account.js';

/** A started session of one product, as its events tell it. */
export interface ReplayedSession {
  readonly sessionId: string;
  readonly userId: string;
  /** The user's organization when the session started. */
  readonly orgId: string;
  readonly machineId: string;
  readonly licenseType: string;
  /** The pool it was drawn from at its start. */
  readonly licenseSource: string;
  /** Online session of a session product: it holds a concurrency unit. */
  readonly drawsUnit: boolean;
  readonly startedAt: number;
  lastSeen: number;
  /** From SessionEnded / SessionExpired (the first of them), else null. */
  endedAt: number | null;
  endKind: 'ended' | 'expired' | null;
}

export interface SessionDenial {
  readonly at: number;
  /** The attempting user's organization at the attempt. */
  readonly orgId: string;
}

export interface ProductSessions {
  readonly sessions: readonly ReplayedSession[];
  readonly denials: readonly SessionDenial[];
}

/** Sessions already collected, per list of events and product (read them, never change them). */
const collected = new WeakMap<readonly StoredLedgerEvent[], Map<Product, ProductSessions>>();

/** The sessions and denied attempts of `product`, in log order. */
export function sessionsOf(events: readonly StoredLedgerEvent[], product: Product): ProductSessions {
  let byProduct = collected.get(events);
  if (!byProduct) collected.set(events, (byProduct = new Map()));
  let found = byProduct.get(product);
  if (!found) byProduct.set(product, (found = collectSessions(events, product)));
  return found;
}

function collectSessions(events: readonly StoredLedgerEvent[], product: Product): ProductSessions {
  const sessions = new Map<string, ReplayedSession>();
  const denials: SessionDenial[] = [];
  statesAt(
    events,
    [],
    () => null,
    (event, state) => {
      const at = occurredAt(event);
      switch (event.type) {
        case 'SessionStarted': {
          const d = event.data;
          if (d.product !== product) break;
          sessions.set(d.sessionId, {
            sessionId: d.sessionId,
            userId: d.userId,
            orgId: state.users.get(d.userId)!.orgId,
            machineId: d.machineId,
            licenseType: d.licenseType,
            licenseSource: d.licenseSource,
            drawsUnit: sessionDrawsUnit(d.product, d.licenseType),
            startedAt: at,
            lastSeen: at,
            endedAt: null,
            endKind: null,
          });
          break;
        }
        case 'SessionHeartbeatRecorded': {
          const session = sessions.get(event.data.sessionId);
          if (session) session.lastSeen = Math.max(session.lastSeen, at);
          break;
        }
        case 'SessionEnded':
        case 'SessionExpired': {
          const d = event.data;
          const session = sessions.get(d.sessionId);
          if (session && session.endedAt === null) {
            session.endedAt = Date.parse(d.endedAt);
            session.endKind = event.type === 'SessionEnded' ? 'ended' : 'expired';
          }
          break;
        }
        case 'SessionDenied': {
          const d = event.data;
          if (d.product === product) denials.push({ at, orgId: state.users.get(d.userId)!.orgId });
          break;
        }
      }
    },
  );
  return { sessions: [...sessions.values()], denials };
}

/** The session as an interval of occupation, open-ended while it is open. */
export function sessionInterval(session: ReplayedSession, now: number, leaseMs: number): Interval {
  return { start: session.startedAt, end: sessionEndAt(session, now, leaseMs) ?? Number.POSITIVE_INFINITY };
}
