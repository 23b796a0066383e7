import { DomainError } from '../../domain/src/errors.js';
import { evolve, initialState, type AccountState } from '../../domain/src/state.js';
import { formatPosition } from '../../event-store/src/event-store.js';
import type { StoredLedgerEvent } from '../../event-store/src/stored-ledger-event.js';
import { orgTreeOf, type OrgTree } from '../../../projections/shared/directory-tables.js';
import { asLedgerEvent } from '../../event-store/src/stored-ledger-event.js';

/** Business time of a stored event (ms). */
export const occurredAt = (event: StoredLedgerEvent): number => Date.parse(event.metadata.occurredAt);

/** `asOfPosition` of a replayed body: the position of the last event given. */
export const lastPosition = (events: readonly StoredLedgerEvent[]): string | null =>
  events.length === 0 ? null : formatPosition(events[events.length - 1]!.position);

/**
 * An account's events folded into the domain state (libs/domain/src/state.ts) step by step, in
 * business time: `through(T)` is the state after every event with `at` ≤ T (SPEC §2). Instants asked
 * for must not decrease: the state is folded in place, never rewound.
 */
export class AccountReplay {
  private folded = 0;

  /** `state`: where `events` start from (the state before the first of them; by default none). */
  constructor(
    private readonly events: readonly StoredLedgerEvent[],
    readonly state: AccountState = initialState(),
  ) {}

  through(instant: number): AccountState {
    while (this.folded < this.events.length) {
      const event = this.events[this.folded]!;
      if (occurredAt(event) > instant) break;
      evolve(this.state, asLedgerEvent(event));
      this.folded += 1;
    }
    return this.state;
  }
}

/** The organization tree as the state holds it. */
export function orgTreeOfState(state: AccountState): OrgTree {
  return orgTreeOf([...state.orgs.values()].map((o) => ({ org_id: o.orgId, name: o.name, parent_org_id: o.parentOrgId })));
}

/** Final states already folded, per list of events (verify replays several reports on the same cut). */
const folded = new WeakMap<readonly StoredLedgerEvent[], AccountState>();

/**
 * The account as it stands after every event given (read it, never change it); NOT_FOUND when it was
 * never opened.
 */
export function replayAccount(events: readonly StoredLedgerEvent[], accountId: string): AccountState {
  let state = folded.get(events);
  if (!state) {
    state = initialState();
    for (const event of events) evolve(state, asLedgerEvent(event));
    folded.set(events, state);
  }
  if (!state.opened) throw new DomainError('NOT_FOUND', `account '${accountId}' does not exist`);
  return state;
}

/**
 * Folds the events once and reads the state at each instant of `instants` (ascending): after every
 * event with `at` ≤ the instant. `visit` sees each event after it is folded (e.g. to collect activity
 * with the state it happened in).
 */
export function statesAt<T>(
  events: readonly StoredLedgerEvent[],
  instants: readonly number[],
  read: (state: AccountState, index: number) => T,
  visit?: (event: StoredLedgerEvent, state: AccountState) => void,
): T[] {
  const state = initialState();
  const values: T[] = [];
  let next = 0;
  for (const event of events) {
    const at = occurredAt(event);
    while (next < instants.length && at > instants[next]!) values.push(read(state, next++));
    evolve(state, asLedgerEvent(event));
    visit?.(event, state);
  }
  while (next < instants.length) values.push(read(state, next++));
  return values;
}

/** The org and its descendants as the tree stands; NOT_FOUND for an unknown org. */
export function subtreeOf(state: AccountState, orgId: string): Set<string> {
  if (!state.orgs.has(orgId)) {
    throw new DomainError('NOT_FOUND', `organization '${orgId}' does not exist`, [{ path: 'orgId', message: 'not found' }]);
  }
  const members = new Set([orgId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const org of state.orgs.values()) {
      if (org.parentOrgId !== null && members.has(org.parentOrgId) && !members.has(org.orgId)) {
        members.add(org.orgId);
        grew = true;
      }
    }
  }
  return members;
}

/** Direct children of an org (the top-level orgs for null), in creation order. */
export function childrenOf(state: AccountState, orgId: string | null): string[] {
  return [...state.orgs.values()].filter((o) => o.parentOrgId === orgId).map((o) => o.orgId);
}

/** "Quality / Automation": names from the top-level org down. */
export function pathOf(state: AccountState, orgId: string): string {
  const names: string[] = [];
  for (let id: string | null = orgId; id !== null; id = state.orgs.get(id)?.parentOrgId ?? null) names.unshift(state.orgs.get(id)!.name);
  return names.join(' / ');
}
