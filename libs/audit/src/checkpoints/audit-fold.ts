import { HoldingSources } from '../../../domain/src/holding-sources.js';
import { ACCOUNT_STATE_VERSION, decodeAccountState, encodeAccountState } from '../../../domain/src/state-snapshot.js';
import { evolve, initialState, type AccountState } from '../../../domain/src/state.js';
import { formatPosition, parsePosition, type LogPosition } from '../../../event-store/src/event-store.js';
import { asLedgerEvent, type StoredLedgerEvent } from '../../../event-store/src/stored-ledger-event.js';

/**
 * The version of what the audit folds beside the decider's state (`AuditFold`): bump it with every
 * change to what `fold` keeps or how, so that checkpoints taken by another version are ignored
 * (docs/decisions.md, "Audit replay checkpoints"). The state's own version is `ACCOUNT_STATE_VERSION`.
 */
export const AUDIT_FOLD_VERSION = 1;

/** The event last folded: where a fold stands in the account's stream. */
export interface FoldedThrough {
  readonly revision: bigint;
  readonly eventId: string;
  readonly position: LogPosition;
  /** Business time (ms); business time never goes back in the stream (SPEC §2). */
  readonly occurredAt: number;
}

/**
 * An account's events folded by the auditors' replays, in stream order: the domain state, when each
 * machine was last registered (the license overview shows it), and which events made what the account
 * holds (explain). The same whether it started from the first event or from a checkpoint of itself.
 *
 * The holdings of a checkpoint (the events of every seat held: most of a busy account's checkpoint)
 * are decoded only when read: until then the events folded after the checkpoint wait beside them, so
 * the answers that never read them (the overview, seat-history) do not pay for them.
 */
export class AuditFold {
  readonly state: AccountState;
  /** product\0machineId → when the machine was last registered. */
  readonly registeredAt: Map<string, number>;
  #holdings: HoldingSources<StoredLedgerEvent> | null;
  /** The checkpoint's holdings not decoded yet (`encodeHoldings`), and the events folded after it. */
  #pending: { readonly text: string; readonly events: StoredLedgerEvent[] } | null;
  #through: FoldedThrough | null;
  /** Events folded by this object (not those of the checkpoint it started from). */
  folded = 0;

  constructor(start?: { state: AccountState; registeredAt: Map<string, number>; holdings: string; through: FoldedThrough }) {
    this.state = start?.state ?? initialState();
    this.registeredAt = start?.registeredAt ?? new Map();
    this.#holdings = start ? null : new HoldingSources();
    this.#pending = start ? { text: start.holdings, events: [] } : null;
    this.#through = start?.through ?? null;
  }

  /** The last event folded; null before the first. */
  get through(): FoldedThrough | null {
    return this.#through;
  }

  /** Which events made what the account holds. */
  get holdings(): HoldingSources<StoredLedgerEvent> {
    if (this.#holdings === null) {
      const { text, events } = this.#pending!;
      const holdings = decodeHoldings(text);
      for (const event of events) holdings.fold(asLedgerEvent(event), event);
      this.#holdings = holdings;
      this.#pending = null;
    }
    return this.#holdings;
  }

  fold(event: StoredLedgerEvent): void {
    const folded = asLedgerEvent(event);
    evolve(this.state, folded);
    if (this.#holdings) this.#holdings.fold(folded, event);
    else this.#pending!.events.push(event);
    const occurredAt = Date.parse(event.metadata.occurredAt);
    if (event.type === 'MachineRegistered') this.registeredAt.set(registrationKey(event.data.product, event.data.machineId), occurredAt);
    this.#through = { revision: event.streamRevision, eventId: event.eventId, position: event.position, occurredAt };
    this.folded += 1;
  }
}

export const registrationKey = (product: string, machineId: string): string => `${product}\u0000${machineId}`;

/** A stored event as JSON keeps it (bigints as text). */
type EncodedEvent = Omit<StoredLedgerEvent, 'streamRevision' | 'position'> & { streamRevision: string; position: string };

interface EncodedFold {
  /** `encodeAccountState`. */
  state: string;
  registeredAt: [string, number][];
  /** `EncodedHoldings` as JSON: parsed only when explain reads them. */
  holdings: string;
}

interface EncodedHoldings {
  seats: [string, { assigned: EncodedEvent; activated: EncodedEvent | null }][];
  purchases: [string, EncodedEvent[]][];
  dedications: [string, EncodedEvent][];
  offlineLicenses: [string, EncodedEvent[]][];
  sessionStarts: [string, EncodedEvent][];
  applications: [string, EncodedEvent][];
}

/** The fold as text for `decodeAuditFold` (the state in the write side's snapshot codec). */
export function encodeAuditFold(fold: AuditFold): string {
  const h = fold.holdings;
  const holdings: EncodedHoldings = {
    seats: [...h.seats].map(([k, s]) => [k, { assigned: encodeEvent(s.assigned), activated: s.activated && encodeEvent(s.activated) }]),
    purchases: [...h.purchases].map(([k, list]) => [k, list.map(encodeEvent)]),
    dedications: [...h.dedications].map(([k, e]) => [k, encodeEvent(e)]),
    offlineLicenses: [...h.offlineLicenses].map(([k, list]) => [k, list.map(encodeEvent)]),
    sessionStarts: [...h.sessionStarts].map(([k, e]) => [k, encodeEvent(e)]),
    applications: [...h.applications].map(([k, e]) => [k, encodeEvent(e)]),
  };
  const encoded: EncodedFold = { state: encodeAccountState(fold.state), registeredAt: [...fold.registeredAt], holdings: JSON.stringify(holdings) };
  return JSON.stringify(encoded);
}

/** The fold `encodeAuditFold` wrote, standing at `through`. Throws for a state of another version. */
export function decodeAuditFold(text: string, through: FoldedThrough): AuditFold {
  const e = JSON.parse(text) as EncodedFold;
  return new AuditFold({ state: decodeAccountState(e.state), registeredAt: new Map(e.registeredAt), holdings: e.holdings, through });
}

function decodeHoldings(text: string): HoldingSources<StoredLedgerEvent> {
  const e = JSON.parse(text) as EncodedHoldings;
  const holdings = new HoldingSources<StoredLedgerEvent>();
  for (const [k, s] of e.seats) holdings.seats.set(k, { assigned: decodeEvent(s.assigned), activated: s.activated && decodeEvent(s.activated) });
  for (const [k, list] of e.purchases) holdings.purchases.set(k, list.map(decodeEvent));
  for (const [k, ev] of e.dedications) holdings.dedications.set(k, decodeEvent(ev));
  for (const [k, list] of e.offlineLicenses) holdings.offlineLicenses.set(k, list.map(decodeEvent));
  for (const [k, ev] of e.sessionStarts) holdings.sessionStarts.set(k, decodeEvent(ev));
  for (const [k, ev] of e.applications) holdings.applications.set(k, decodeEvent(ev));
  return holdings;
}

/** The versions a checkpoint must have been taken by to be read. */
export const CHECKPOINT_VERSIONS = { state: ACCOUNT_STATE_VERSION, replay: AUDIT_FOLD_VERSION } as const;

function encodeEvent(event: StoredLedgerEvent): EncodedEvent {
  return { ...event, streamRevision: event.streamRevision.toString(), position: formatPosition(event.position)! };
}

/** Back as `encodeEvent` took it: already decoded when folded (the text is checksummed), so not decoded again. */
function decodeEvent(e: EncodedEvent): StoredLedgerEvent {
  return { ...e, streamRevision: BigInt(e.streamRevision), position: parsePosition(e.position) } as StoredLedgerEvent;
}
