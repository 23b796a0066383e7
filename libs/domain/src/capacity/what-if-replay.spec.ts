import { parentsFrom } from '../rules/scopes.js';
import { medianDurationSeconds } from './demand.js';
import type { DemandUnit, Hypothesis, PoolChange, PurchaseVersion, ReplayUnit, UserMove } from './what-if-inputs.js';
import { recommendQuantity } from './what-if-recommendation.js';
import { WhatIfReplay } from './what-if-replay.js';

/**
 * SPEC §8.1 what-if replay, given / when / then on small histories whose outcome is worked out by hand.
 * Times are UTC on 2026-03-02 unless written in full; `seq` follows the order the facts are listed in.
 */

const at = (time: string): number => Date.parse(time.length <= 5 ? `2026-03-02T${time}:00Z` : time);
const parentOf = parentsFrom(
  new Map<string, string | null>([
    ['qa', null],
    ['mobile', 'qa'],
    ['dev', null],
  ]),
);
const users: Record<string, string> = { u1: 'qa', u2: 'mobile', u3: 'mobile', u4: 'dev' };

let seq = 0;
const purchase = (quantity: number, recordedAt = '2026-02-20T00:00:00Z', expiresAt = '2026-04-01T00:00:00Z', purchaseId = 'p1'): PoolChange => {
  const p: PurchaseVersion = {
    purchaseId,
    quantity,
    startsAt: at('2026-03-01T00:00:00Z'),
    expiresAt: at(expiresAt),
    recordedAt: at(recordedAt),
    machineQuota: null,
  };
  return { kind: 'purchase', at: p.recordedAt, seq: ++seq, purchase: p };
};
const dedicate = (orgId: string, quantity: number, time: string): PoolChange => ({ kind: 'dedication', at: at(time), seq: ++seq, orgId, quantity });
const session = (id: string, userId: string, from: string, to: string | null): DemandUnit => ({
  id,
  userId,
  orgId: users[userId]!,
  start: at(from),
  seq: ++seq,
  end: to === null ? Number.POSITIVE_INFINITY : at(to),
  kind: 'accepted',
});
const denied = (id: string, userId: string, time: string, seconds: number): DemandUnit => ({
  id,
  userId,
  orgId: users[userId]!,
  start: at(time),
  seq: ++seq,
  end: at(time) + seconds * 1000,
  kind: 'denied',
});
const held = (id: string, userId: string, from: string, to: string | null): ReplayUnit => ({
  id,
  userId,
  orgId: users[userId]!,
  start: at(from),
  seq: ++seq,
  end: to === null ? Number.POSITIVE_INFINITY : at(to),
});
const move = (userId: string, orgId: string, time: string): UserMove => ({ userId, orgId, at: at(time), seq: ++seq });

interface History {
  readonly poolChanges?: PoolChange[];
  readonly moves?: UserMove[];
  readonly held?: ReplayUnit[];
  readonly demand: DemandUnit[];
}

function given(history: History) {
  const replay = new WhatIfReplay({
    parentOf,
    poolChanges: history.poolChanges ?? [],
    moves: history.moves ?? [],
    held: history.held ?? [],
    demand: history.demand,
  });
  return {
    replay,
    when(hypothesis: Hypothesis = {}) {
      const { decisions } = replay.replay(hypothesis);
      const outcome = Object.fromEntries(history.demand.map((d, i) => [d.id, decisions[i]!.admitted ? 'admitted' : 'refused']));
      const sources = Object.fromEntries(history.demand.map((d, i) => [d.id, decisions[i]!.source]));
      return { then: (expected: Record<string, 'admitted' | 'refused'>) => expect(outcome).toEqual(expected), outcome, sources };
    },
  };
}

const dedications = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('what-if replay: the SPEC §7 KRE day (purchase of 2; s1 10:00–11:00 u1, s2 10:30–12:00 u2, s4 denied 10:45 u3, s3 11:00–11:30 u3)', () => {
  // The denied attempt demands the median of 60, 90 and 30 minutes: 60 minutes.
  const d = medianDurationSeconds([3_600_000, 5_400_000, 1_800_000]);
  const spec7 = (): History => ({
    poolChanges: [purchase(2)],
    demand: [
      session('s1', 'u1', '10:00', '11:00'),
      session('s2', 'u2', '10:30', '12:00'),
      denied('s4', 'u3', '10:45', d),
      session('s3', 'u3', '11:00', '11:30'),
    ],
  });

  it('gives the denial 3600 s', () => expect(d).toBe(3600));

  it('with no hypothesis replays what happened: s4 refused, s3 admitted as s1 ends at 11:00', () => {
    given(spec7()).when().then({ s1: 'admitted', s2: 'admitted', s4: 'refused', s3: 'admitted' });
  });

  it('with quantity 3 admits s4 (10:45–11:45) and still s3 at 11:00 (s2 and s4 hold 2 of 3)', () => {
    given(spec7()).when({ quantity: 3 }).then({ s1: 'admitted', s2: 'admitted', s4: 'admitted', s3: 'admitted' });
  });

  it('with quantity 1 refuses s2 and s4 (s1 holds the only unit) and admits s3 at 11:00, when s1 ends', () => {
    given(spec7()).when({ quantity: 1 }).then({ s1: 'admitted', s2: 'refused', s4: 'refused', s3: 'admitted' });
  });

  it('with mobile:1 dedicated, mobile users draw from mobile only: s2 takes it, s4 and s3 are refused although the account has a unit', () => {
    const outcome = given(spec7()).when({ dedications: dedications({ mobile: 1 }) });
    outcome.then({ s1: 'admitted', s2: 'admitted', s4: 'refused', s3: 'refused' });
    expect(outcome.sources).toEqual({ s1: 'account', s2: 'mobile', s4: 'mobile', s3: 'mobile' });
  });

  it('recommends 3 for no denials and at most 1 % (4 demands: 1 % allows none)', () => {
    const { replay } = given(spec7());
    expect(recommendQuantity(replay, {}, () => true)).toEqual({ noDenials: 3, atMostOnePercent: 3 });
  });

  it('recommends nothing when a dedicated org refuses whatever the account holds (mobile:1)', () => {
    const { replay } = given(spec7());
    expect(recommendQuantity(replay, { dedications: dedications({ mobile: 1 }) }, () => true)).toEqual({ noDenials: null, atMostOnePercent: null });
  });

  it('ignores a given quantity in the recommendation, and counts only the scope (qa: s1 alone, admitted from q = 1)', () => {
    const history = spec7();
    const { replay } = given(history);
    const onlyU1 = (i: number) => history.demand[i]!.userId === 'u1';
    expect(recommendQuantity(replay, { quantity: 7 }, onlyU1)).toEqual({ noDenials: 1, atMostOnePercent: 1 });
  });
});

describe('what-if replay: order at one instant', () => {
  it('applies an end at t before a start at t', () => {
    given({ poolChanges: [purchase(1)], demand: [session('a', 'u1', '10:00', '11:00'), session('b', 'u4', '11:00', '12:00')] })
      .when()
      .then({ a: 'admitted', b: 'admitted' });
  });

  it('decides starts at the same instant in log order', () => {
    given({ poolChanges: [purchase(1)], demand: [session('first', 'u4', '10:00', '11:00'), session('second', 'u1', '10:00', '10:30')] })
      .when()
      .then({ first: 'admitted', second: 'refused' });
  });

  it('applies a dedication at t before a start at t that comes after it in the log, not before one that comes before it', () => {
    const early = session('early', 'u2', '10:00', '11:00');
    const change = dedicate('mobile', 1, '10:00');
    const late = session('late', 'u3', '10:00', '11:00');
    const outcome = given({ poolChanges: [purchase(5), change], demand: [early, late] }).when();
    outcome.then({ early: 'admitted', late: 'refused' });
    // early was drawn from the account; the dedication moves its unit to mobile, which is then full.
    expect(outcome.sources).toEqual({ early: 'account', late: 'mobile' });
  });

  it('holds a denied attempt of 0 seconds nothing, whether admitted or not', () => {
    given({ poolChanges: [purchase(1)], demand: [denied('zero', 'u1', '10:00', 0), session('next', 'u4', '10:00', '11:00')] })
      .when()
      .then({ zero: 'admitted', next: 'admitted' });
  });
});

describe('what-if replay: pools under a hypothesis', () => {
  it('refuses every start drawn from a pool left ≤ 0 (qa:3 out of an account of 2: the account pool is −1)', () => {
    const outcome = given({
      poolChanges: [purchase(5)],
      demand: [session('dev', 'u4', '10:00', '11:00'), session('qa', 'u1', '10:05', '11:00')],
    }).when({ quantity: 2, dedications: dedications({ qa: 3 }) });
    outcome.then({ dev: 'refused', qa: 'admitted' });
    expect(outcome.sources).toEqual({ dev: 'account', qa: 'qa' });
  });

  it('keeps the real dedications of scopes not named, changes included', () => {
    const history = {
      poolChanges: [purchase(3), dedicate('qa', 1, '09:00'), dedicate('qa', 2, '10:30')],
      demand: [session('a', 'u1', '10:00', '12:00'), session('b', 'u2', '10:10', '12:00'), session('c', 'u3', '10:40', '12:00')],
    };
    // qa 1 until 10:30: a takes it, b (mobile, under qa) is refused; from 10:30 qa has 2: c is admitted.
    given(history).when().then({ a: 'admitted', b: 'refused', c: 'admitted' });
    // Named, qa keeps 1 over the whole window: c is refused too.
    given(history)
      .when({ dedications: dedications({ qa: 1 }) })
      .then({ a: 'admitted', b: 'refused', c: 'refused' });
    // Named 0: qa has no dedication, everything is drawn from the account (3).
    given(history)
      .when({ dedications: dedications({ qa: 0 }) })
      .then({ a: 'admitted', b: 'admitted', c: 'admitted' });
  });

  it('follows the real purchases when the quantity is not named: an expiry at 10:30 leaves 1, a renewal recorded at 11:00 adds 2', () => {
    const history = {
      poolChanges: [
        purchase(2, '2026-02-20T00:00:00Z', '2026-03-02T10:30:00Z'),
        purchase(1, '2026-02-20T00:00:00Z', '2026-04-01T00:00:00Z', 'p2'),
        purchase(2, '2026-03-02T11:00:00Z', '2026-04-01T00:00:00Z', 'p3'),
      ],
      demand: [
        session('a', 'u1', '10:00', '13:00'),
        session('b', 'u4', '10:40', '13:00'),
        session('c', 'u4', '11:00', '13:00'),
        session('d', 'u4', '11:01', '13:00'),
      ],
    };
    given(history).when().then({ a: 'admitted', b: 'refused', c: 'admitted', d: 'admitted' });
    given(history).when({ quantity: 2 }).then({ a: 'admitted', b: 'admitted', c: 'refused', d: 'refused' });
  });
});

describe('what-if replay: units that keep their real history', () => {
  it('a session open at the window start and an offline license hold their units', () => {
    const history = {
      poolChanges: [purchase(3)],
      held: [held('open', 'u1', '2026-03-01T23:00:00Z', '10:20'), held('offline', 'u4', '2026-03-01T08:00:00Z', '2026-03-20T00:00:00Z')],
      demand: [session('a', 'u2', '10:00', '11:00'), session('b', 'u3', '10:10', '11:00'), session('c', 'u1', '10:20', '11:00')],
    };
    given(history).when().then({ a: 'admitted', b: 'refused', c: 'admitted' });
  });

  it('moves the units of a user who changes organization, so a dedication of the new org counts them', () => {
    const history = {
      poolChanges: [purchase(4)],
      held: [held('offline', 'u1', '2026-03-01T08:00:00Z', '2026-03-20T00:00:00Z')],
      moves: [move('u1', 'dev', '09:00')],
      demand: [session('a', 'u4', '10:00', '11:00')],
    };
    // dev:1 — u1's offline license (moved to dev) holds it: u4 is refused.
    given(history)
      .when({ dedications: dedications({ dev: 1 }) })
      .then({ a: 'refused' });
    // Without the move the license stays in qa and dev's unit is free.
    given({ ...history, moves: [] })
      .when({ dedications: dedications({ dev: 1 }) })
      .then({ a: 'admitted' });
  });

  it('draws TrueTest applications (no user) from the account', () => {
    const app = (id: string, from: string, to: string): DemandUnit => ({
      id,
      userId: null,
      orgId: null,
      start: at(from),
      seq: ++seq,
      end: at(to),
      kind: 'accepted',
    });
    const outcome = given({
      poolChanges: [purchase(2), dedicate('qa', 1, '09:00')],
      demand: [app('x', '10:00', '12:00'), app('y', '10:30', '12:00')],
    }).when();
    outcome.then({ x: 'admitted', y: 'refused' });
    expect(outcome.sources).toEqual({ x: 'account', y: 'account' });
  });
});

describe('what-if replay: the quantity beyond which nothing changes', () => {
  it('is the most the account needs at one decision, plus dedications taken from it', () => {
    const history = {
      poolChanges: [purchase(1), dedicate('dev', 2, '09:00')],
      demand: [
        session('a', 'u1', '10:00', '11:00'),
        session('b', 'u2', '10:10', '11:00'),
        session('c', 'u3', '10:20', '10:30'),
        session('d', 'u4', '10:25', '11:00'),
      ],
    };
    // Account-drawn a, b, c open together (3) + dev's 2 taken from the account: 5; d is dev's own.
    expect(given(history).replay.saturatingQuantity()).toBe(5);
    given(history).when({ quantity: 5 }).then({ a: 'admitted', b: 'admitted', c: 'admitted', d: 'admitted' });
    given(history).when({ quantity: 4 }).then({ a: 'admitted', b: 'admitted', c: 'refused', d: 'admitted' });
  });
});
