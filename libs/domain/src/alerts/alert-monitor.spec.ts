import type { LedgerCommand } from '../commands.js';
import { decide } from '../decide.js';
import type { LedgerEvent } from '../events.js';
import { evolve, initialState } from '../state.js';
import { cmd } from '../testing/decider-spec.js';
import { AlertMonitor } from './alert-monitor.js';
import type { AlertTransition } from './alert-transitions.js';

/**
 * SPEC §9 rules on small hand-computed histories. Given commands (decided for real, each with `now` =
 * its `at`), when the monitor folds their events, then exactly these alerts are raised and cleared.
 * Events are named by their place in the history (`e1`, `e2`, … as refs), so evidence reads as a list of events.
 */
const LEASE_MS = 900_000;

interface Folded {
  readonly transitions: AlertTransition[];
  /** The ref of the first event of the command at `index` (0-based) whose type is `type`. */
  ref(commandIndex: number, type?: string): string;
}

function fold(commands: readonly LedgerCommand[]): Folded {
  const state = initialState();
  const monitor = new AlertMonitor(LEASE_MS);
  const transitions: AlertTransition[] = [];
  const refs: { command: number; type: string; ref: string }[] = [];
  commands.forEach((command, index) => {
    const { events, error } = decide(state, command, { now: Date.parse(command.at), leaseMs: LEASE_MS });
    if (error && !['SessionDenied', 'ApplicationDenied'].includes(events.at(-1)?.type ?? '')) {
      throw new Error(`command #${index + 1} ${command.type} at ${command.at} was rejected: ${error.code} ${error.message}`);
    }
    for (const event of events as LedgerEvent[]) {
      evolve(state, event);
      const ref = `e${refs.length + 1}`;
      refs.push({ command: index, type: event.type, ref });
      transitions.push(...monitor.fold(event, ref));
    }
  });
  return {
    transitions,
    ref: (command, type) => refs.find((r) => r.command === command && (type === undefined || r.type === type))!.ref,
  };
}

/** The transitions without the parts every test would repeat (webhooks, the whole rule). */
function brief(transitions: readonly AlertTransition[]) {
  return transitions.map((t) =>
    t.type === 'AlertRaised'
      ? { type: t.type, ruleId: t.rule.ruleId, alertId: t.alertId, at: t.at, value: t.value, evidence: [...t.evidence].sort() }
      : { type: t.type, ruleId: t.rule.ruleId, alertId: t.alertId, at: t.at, reason: t.reason },
  );
}

const account = [
  cmd('OpenAccount', '2026-03-01T00:00:00Z', { name: 'Acme', timezone: 'UTC' }),
  cmd('CreateOrganization', '2026-03-01T00:01:00Z', { orgId: 'qa', name: 'QA' }),
  cmd('CreateOrganization', '2026-03-01T00:02:00Z', { orgId: 'mobile', name: 'Mobile', parentOrgId: 'qa' }),
  cmd('CreateOrganization', '2026-03-01T00:03:00Z', { orgId: 'dev', name: 'Dev' }),
  ...(['u1', 'u2', 'u3'] as const).map((userId, i) =>
    cmd('RegisterUser', `2026-03-01T00:1${i}:00Z`, { userId, email: `${userId}@acme.example`, fullName: userId, orgId: 'qa' }),
  ),
  cmd('RegisterUser', '2026-03-01T00:13:00Z', { userId: 'm1', email: 'm1@acme.example', fullName: 'm1', orgId: 'mobile' }),
  cmd('RegisterUser', '2026-03-01T00:14:00Z', { userId: 'd1', email: 'd1@acme.example', fullName: 'd1', orgId: 'dev' }),
];
const A = account.length; // index of the first command after the account's directory
const kre = (quantity: number, at = '2026-03-01T01:00:00Z') =>
  cmd('PurchaseLicenses', at, { purchaseId: 'p1', product: 'KRE', quantity, startsAt: '2026-03-01T00:00:00Z', expiresAt: '2026-04-01T00:00:00Z' });
const start = (sessionId: string, userId: string, at: string) =>
  cmd('StartSession', at, { product: 'KRE', sessionId, userId, machineId: `m-${sessionId}` });
const heartbeat = (sessionId: string, at: string) => cmd('HeartbeatSession', at, { sessionId });
const end = (sessionId: string, at: string) => cmd('EndSession', at, { sessionId });
const login = (at: string) => cmd('RecordLogin', at, { product: 'KRE', userId: 'u1' });
const usageRule = (threshold: number, windowSeconds: number, at = '2026-03-02T09:00:00Z', scope = 'account') =>
  cmd('CreateAlertRule', at, { ruleId: 'busy', kind: 'usage-threshold', product: 'KRE', scope, threshold, windowSeconds });

describe('usage-threshold', () => {
  it('given KRE ×2 and 100 % for 10 min, when both sessions stay open from 10:05 to 10:16, then raised at 10:15 (between events) and cleared at 10:16', () => {
    const history = [
      ...account,
      kre(2),
      usageRule(100, 600),
      start('s1', 'u1', '2026-03-02T10:00:00Z'),
      start('s2', 'u2', '2026-03-02T10:05:00Z'),
      heartbeat('s1', '2026-03-02T10:10:00Z'),
      heartbeat('s2', '2026-03-02T10:14:00Z'),
      end('s1', '2026-03-02T10:16:00Z'),
    ];
    const { transitions, ref } = fold(history);
    // Revealed while folding EndSession at 10:16: the window [10:05, 10:15) had passed without a break.
    const raisedBy = ref(A + 6);
    expect(brief(transitions)).toEqual([
      {
        type: 'AlertRaised',
        ruleId: 'busy',
        alertId: `al-${raisedBy}-0`,
        at: '2026-03-02T10:15:00.000Z',
        value: 100,
        evidence: [ref(A, 'LicensesPurchased'), ref(A + 2, 'SessionStarted'), ref(A + 3, 'SessionStarted')].sort(),
      },
      { type: 'AlertCleared', ruleId: 'busy', alertId: `al-${raisedBy}-0`, at: '2026-03-02T10:16:00.000Z', reason: 'condition ended' },
    ]);
    const raised = transitions[0]!;
    expect(raised.type === 'AlertRaised' && raised.figures).toEqual({ kind: 'pool', used: 2, pool: 2, available: 0 });
  });

  it('a break before the window completes raises nothing', () => {
    const history = [
      ...account,
      kre(2),
      usageRule(100, 600),
      start('s1', 'u1', '2026-03-02T10:00:00Z'),
      start('s2', 'u2', '2026-03-02T10:05:00Z'),
      heartbeat('s1', '2026-03-02T10:10:00Z'),
      end('s2', '2026-03-02T10:14:59Z'),
      start('s3', 'u2', '2026-03-02T10:15:00Z'),
      heartbeat('s1', '2026-03-02T10:20:00Z'),
      heartbeat('s3', '2026-03-02T10:24:59Z'),
    ];
    expect(brief(fold(history).transitions)).toEqual([]);
  });

  it('window 0: raised by the event that reaches the threshold; a lapsed lease ends it at lastSeen + lease, found when a later event comes', () => {
    const history = [
      ...account,
      kre(4),
      usageRule(50, 0),
      start('s1', 'u1', '2026-03-02T10:00:00Z'),
      start('s2', 'u2', '2026-03-02T10:03:00Z'),
      heartbeat('s2', '2026-03-02T10:10:00Z'),
      login('2026-03-02T11:00:00Z'),
    ];
    const { transitions, ref } = fold(history);
    const id = `al-${ref(A + 3, 'SessionStarted')}-0`;
    expect(brief(transitions)).toEqual([
      {
        type: 'AlertRaised',
        ruleId: 'busy',
        alertId: id,
        at: '2026-03-02T10:03:00.000Z',
        value: 50,
        evidence: [ref(A, 'LicensesPurchased'), ref(A + 2, 'SessionStarted'), ref(A + 3, 'SessionStarted')].sort(),
      },
      // s1's lease lapses at 10:15 (no heartbeat): 1 of 4 = 25 % < 50 %.
      { type: 'AlertCleared', ruleId: 'busy', alertId: id, at: '2026-03-02T10:15:00.000Z', reason: 'condition ended' },
    ]);
  });

  it('held for exactly the window, then broken at its last instant: raised and cleared at that instant', () => {
    const history = [...account, kre(1), usageRule(100, 900), start('s1', 'u1', '2026-03-02T10:00:00Z'), login('2026-03-02T10:30:00Z')];
    const { transitions } = fold(history);
    expect(brief(transitions).map((t) => [t.type, t.at])).toEqual([
      ['AlertRaised', '2026-03-02T10:15:00.000Z'],
      ['AlertCleared', '2026-03-02T10:15:00.000Z'],
    ]);
  });

  it('a dedicated org’s pool: qa holds 2 of its 2 while the account pool has room', () => {
    const history = [
      ...account,
      kre(5),
      cmd('DedicateLicenses', '2026-03-01T02:00:00Z', { product: 'KRE', orgId: 'qa', quantity: 2 }),
      usageRule(100, 0, '2026-03-02T09:00:00Z', 'qa'),
      start('s1', 'u1', '2026-03-02T10:00:00Z'),
      start('s2', 'd1', '2026-03-02T10:01:00Z'),
      start('s3', 'u2', '2026-03-02T10:02:00Z'),
    ];
    const { transitions, ref } = fold(history);
    expect(brief(transitions)).toEqual([
      {
        type: 'AlertRaised',
        ruleId: 'busy',
        alertId: `al-${ref(A + 5, 'SessionStarted')}-0`,
        at: '2026-03-02T10:02:00.000Z',
        value: 100,
        evidence: [ref(A, 'LicensesPurchased'), ref(A + 1), ref(A + 3, 'SessionStarted'), ref(A + 5, 'SessionStarted')].sort(),
      },
    ]);
  });

  it('the window starts when the rule is created, not before', () => {
    const history = [
      ...account,
      kre(1),
      start('s1', 'u1', '2026-03-02T10:00:00Z'),
      usageRule(100, 600, '2026-03-02T10:08:00Z'),
      heartbeat('s1', '2026-03-02T10:12:00Z'),
      heartbeat('s1', '2026-03-02T10:20:00Z'),
    ];
    expect(brief(fold(history).transitions).map((t) => [t.type, t.at])).toEqual([['AlertRaised', '2026-03-02T10:18:00.000Z']]);
  });
});

describe('denials', () => {
  const denialsRule = (scope = 'account') =>
    cmd('CreateAlertRule', '2026-03-02T09:00:00Z', { ruleId: 'denied', kind: 'denials', product: 'KRE', scope, threshold: 2, windowSeconds: 600 });
  const full = (scope = 'account') => [...account, kre(1), denialsRule(scope), start('s1', 'u1', '2026-03-02T10:00:00Z')];

  it('given KRE ×1 in use, when two starts are denied 4 min apart, then raised at the second; cleared when the first leaves the 10-min window', () => {
    const history = [
      ...full(),
      start('s2', 'u2', '2026-03-02T10:01:00Z'),
      start('s3', 'u3', '2026-03-02T10:05:00Z'),
      heartbeat('s1', '2026-03-02T10:14:00Z'),
    ];
    const { transitions, ref } = fold(history);
    const id = `al-${ref(A + 4, 'SessionDenied')}-0`;
    expect(brief(transitions)).toEqual([
      {
        type: 'AlertRaised',
        ruleId: 'denied',
        alertId: id,
        at: '2026-03-02T10:05:00.000Z',
        value: 2,
        evidence: [ref(A + 3, 'SessionDenied'), ref(A + 4, 'SessionDenied')].sort(),
      },
      { type: 'AlertCleared', ruleId: 'denied', alertId: id, at: '2026-03-02T10:11:00.000Z', reason: 'condition ended' },
    ]);
  });

  it('attempts exactly a window apart are not within it', () => {
    const history = [
      ...full(),
      start('s2', 'u2', '2026-03-02T10:01:00Z'),
      heartbeat('s1', '2026-03-02T10:10:00Z'),
      start('s3', 'u3', '2026-03-02T10:11:00Z'),
    ];
    expect(fold(history).transitions).toEqual([]);
  });

  it('an org scope counts its users and those below it, no one else', () => {
    const history = [
      ...full('qa'),
      start('s2', 'd1', '2026-03-02T10:01:00Z'),
      start('s3', 'd1', '2026-03-02T10:02:00Z'),
      start('s4', 'm1', '2026-03-02T10:03:00Z'),
      start('s5', 'u2', '2026-03-02T10:04:00Z'),
    ];
    const { transitions, ref } = fold(history);
    expect(brief(transitions)).toEqual([
      {
        type: 'AlertRaised',
        ruleId: 'denied',
        alertId: `al-${ref(A + 6, 'SessionDenied')}-0`,
        at: '2026-03-02T10:04:00.000Z',
        value: 2,
        evidence: [ref(A + 5, 'SessionDenied'), ref(A + 6, 'SessionDenied')].sort(),
      },
    ]);
  });

  it('attempts denied before the rule existed do not count', () => {
    const later = cmd('CreateAlertRule', '2026-03-02T10:02:00Z', {
      ruleId: 'denied',
      kind: 'denials',
      product: 'KRE',
      scope: 'account',
      threshold: 2,
      windowSeconds: 600,
    });
    const history = [
      ...account,
      kre(1),
      start('s1', 'u1', '2026-03-02T10:00:00Z'),
      start('s2', 'u2', '2026-03-02T10:01:00Z'),
      later,
      start('s3', 'u3', '2026-03-02T10:05:00Z'),
    ];
    expect(fold(history).transitions).toEqual([]);
  });
});

describe('over-allocated', () => {
  it('given 2 KSE seats held, when the purchase expires, then raised at its expiry; a new purchase clears it', () => {
    const history = [
      ...account,
      cmd('PurchaseLicenses', '2026-03-01T01:00:00Z', {
        purchaseId: 'k1',
        product: 'KSE',
        quantity: 2,
        startsAt: '2026-03-01T00:00:00Z',
        expiresAt: '2026-03-10T00:00:00Z',
      }),
      cmd('CreateAlertRule', '2026-03-01T02:00:00Z', { ruleId: 'over', kind: 'over-allocated', product: 'KSE', scope: 'account' }),
      cmd('AssignSeat', '2026-03-02T10:00:00Z', { product: 'KSE', userId: 'u1' }),
      cmd('AssignSeat', '2026-03-02T10:01:00Z', { product: 'KSE', userId: 'u2' }),
      cmd('RecordLogin', '2026-03-12T09:00:00Z', { product: 'KSE', userId: 'u1' }),
      cmd('PurchaseLicenses', '2026-03-12T10:00:00Z', {
        purchaseId: 'k2',
        product: 'KSE',
        quantity: 5,
        startsAt: '2026-03-12T00:00:00Z',
        expiresAt: '2027-03-12T00:00:00Z',
      }),
    ];
    const { transitions, ref } = fold(history);
    const id = `al-${ref(A + 4)}-0`;
    expect(brief(transitions)).toEqual([
      {
        type: 'AlertRaised',
        ruleId: 'over',
        alertId: id,
        at: '2026-03-10T00:00:00.000Z',
        value: -2,
        evidence: [ref(A + 2, 'SeatAssigned'), ref(A + 3, 'SeatAssigned')].sort(),
      },
      { type: 'AlertCleared', ruleId: 'over', alertId: id, at: '2026-03-12T10:00:00.000Z', reason: 'condition ended' },
    ]);
  });
});

describe('expiring', () => {
  const kse = cmd('PurchaseLicenses', '2026-03-01T01:00:00Z', {
    purchaseId: 'k1',
    product: 'KSE',
    quantity: 2,
    startsAt: '2026-03-01T00:00:00Z',
    expiresAt: '2026-12-31T00:00:00Z',
  });

  it('given a purchase ending 2026-12-31 and a 30-day rule, raised on 2026-12-01 (30 days left); renewing it clears the alert', () => {
    const history = [
      ...account,
      kse,
      cmd('CreateAlertRule', '2026-11-01T00:00:00Z', { ruleId: 'renew', kind: 'expiring', product: 'KSE', scope: 'account', threshold: 30 }),
      cmd('RecordLogin', '2026-12-10T09:00:00Z', { product: 'KSE', userId: 'u1' }),
      cmd('AmendPurchase', '2026-12-15T09:00:00Z', { purchaseId: 'k1', expiresAt: '2027-12-31T00:00:00Z' }),
    ];
    const { transitions, ref } = fold(history);
    const id = `al-${ref(A + 2)}-0`;
    expect(brief(transitions)).toEqual([
      { type: 'AlertRaised', ruleId: 'renew', alertId: id, at: '2026-12-01T00:00:00.000Z', value: 30, evidence: [ref(A)] },
      { type: 'AlertCleared', ruleId: 'renew', alertId: id, at: '2026-12-15T09:00:00.000Z', reason: 'condition ended' },
    ]);
    const raised = transitions[0]!;
    expect(raised.type === 'AlertRaised' && raised.subject).toEqual({ kind: 'purchase', purchaseId: 'k1', expiresAt: '2026-12-31T00:00:00.000Z' });
  });

  it('an offline license of a user in the scope: raised when generated within the days ahead, cleared when it expires', () => {
    const history = [
      ...account,
      kre(2),
      cmd('CreateAlertRule', '2026-03-02T00:00:00Z', { ruleId: 'offline', kind: 'expiring', product: 'KRE', scope: 'mobile', threshold: 3 }),
      cmd('GenerateOfflineLicense', '2026-03-03T12:00:00Z', { product: 'KRE', userId: 'u1', machineId: 'x1', expiresAt: '2026-03-05T00:00:00Z' }),
      cmd('GenerateOfflineLicense', '2026-03-03T12:00:00Z', { product: 'KRE', userId: 'm1', machineId: 'x2', expiresAt: '2026-03-05T00:00:00Z' }),
      login('2026-03-06T00:00:00Z'),
    ];
    const { transitions, ref } = fold(history);
    const id = `al-${ref(A + 3, 'OfflineLicenseGenerated')}-0`;
    expect(brief(transitions)).toEqual([
      {
        type: 'AlertRaised',
        ruleId: 'offline',
        alertId: id,
        at: '2026-03-03T12:00:00.000Z',
        value: 1.5,
        evidence: [ref(A + 3, 'OfflineLicenseGenerated')],
      },
      { type: 'AlertCleared', ruleId: 'offline', alertId: id, at: '2026-03-05T00:00:00.000Z', reason: 'condition ended' },
    ]);
  });
});

describe('rules and webhooks come and go with the log', () => {
  it('removing a rule clears its open alert at that instant; transitions name the webhooks registered then', () => {
    const history = [
      ...account,
      kre(1),
      usageRule(100, 0),
      cmd('RegisterWebhook', '2026-03-02T09:30:00Z', { webhookId: 'w1', url: 'https://hooks.example.com/a', secretFingerprint: 'f1' }),
      start('s1', 'u1', '2026-03-02T10:00:00Z'),
      cmd('RegisterWebhook', '2026-03-02T10:01:00Z', { webhookId: 'w2', url: 'https://hooks.example.com/b', secretFingerprint: 'f2' }),
      cmd('RemoveAlertRule', '2026-03-02T10:02:00Z', { ruleId: 'busy' }),
    ];
    const { transitions } = fold(history);
    expect(transitions.map((t) => [t.type, t.at, t.type === 'AlertCleared' ? t.reason : null, t.webhooks.map((w) => w.webhookId)])).toEqual([
      ['AlertRaised', '2026-03-02T10:00:00.000Z', null, ['w1']],
      ['AlertCleared', '2026-03-02T10:02:00.000Z', 'rule removed', ['w1', 'w2']],
    ]);
  });

  it('folding the same events again gives the same alerts, ids included', () => {
    const history = [
      ...account,
      kre(2),
      usageRule(100, 600),
      start('s1', 'u1', '2026-03-02T10:00:00Z'),
      start('s2', 'u2', '2026-03-02T10:05:00Z'),
      heartbeat('s1', '2026-03-02T10:10:00Z'),
      end('s1', '2026-03-02T10:16:00Z'),
    ];
    expect(fold(history).transitions).toEqual(fold(history).transitions);
    expect(fold(history).transitions).toHaveLength(2);
  });
});
