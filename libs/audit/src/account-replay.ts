import { DomainError } from '../../domain/src/errors.js';
import { evolve, initialState, type AccountState } from '../../domain/src/state.js';
import { formatPosition, type StoredEvent } from '../../event-store/src/event-store.js';
import { orgTreeOf, type OrgTree } from '../../../projections/shared/directory-tables.js';
import { asLedgerEvent } from './account-events.js';

/**
 * An account's events folded into the domain state (libs/domain/src/state.ts) step by step, in
 * business time: `through(T)` is the state after every event with `at` ≤ T (SPEC §2). Instants asked
 * for must not decrease: the state is folded in place, never rewound.
 */
export class AccountReplay {
  readonly state: AccountState = initialState();
  private folded = 0;

  constructor(private readonly events: readonly StoredEvent[]) {}

  through(instant: number): AccountState {
    while (this.folded < this.events.length) {
      const event = this.events[this.folded]!;
      if (occurredAtOf(event) > instant) break;
      evolve(this.state, asLedgerEvent(event));
      this.folded += 1;
    }
    return this.state;
  }
}

/** The state after all of `events`; NOT_FOUND, as the projected reports answer, when the account was not open. */
export function replayAccount(events: readonly StoredEvent[], accountId: string): AccountState {
  const state = new AccountReplay(events).through(Number.POSITIVE_INFINITY);
  if (!state.opened) throw new DomainError('NOT_FOUND', `account '${accountId}' does not exist`);
  return state;
}

/** The organization tree as the state holds it. */
export function orgTreeOfState(state: AccountState): OrgTree {
  return orgTreeOf([...state.orgs.values()].map((o) => ({ org_id: o.orgId, name: o.name, parent_org_id: o.parentOrgId })));
}

/** `asOfPosition` of a replayed body: the position of the last event given. */
export function lastPosition(events: readonly StoredEvent[]): string | null {
  return formatPosition(events.at(-1)?.position ?? null);
}

/** Business time of a stored event (ms). */
export function occurredAtOf(event: StoredEvent): number {
  return Date.parse(event.metadata.occurredAt);
}
