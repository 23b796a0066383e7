import { createHistory } from '../../history-generator/src/generate-history.js';
import { spec7Commands } from '../../../test/support/spec-7-example.js';
import type { LedgerCommand } from './commands.js';
import { decide } from './decide.js';
import { evolve, initialState, type AccountState } from './state.js';
import { ACCOUNT_STATE_VERSION, decodeAccountState, encodeAccountState, StateSnapshotFormatError } from './state-snapshot.js';
import { cmd, DEFAULT_LEASE_MS } from './testing/decider-spec.js';

/** What the decider answered to one command: its events, or the code of its error. */
interface Answer {
  readonly events: unknown[];
  readonly error: string | null;
}

/**
 * Decides `commands` in order through the real decider, folding what each appends as the ledger does.
 * At each index of `restoreAt` the state is replaced by its snapshot read back.
 */
function decideAll(commands: readonly LedgerCommand[], restoreAt: ReadonlySet<number> = new Set()): { answers: Answer[]; state: AccountState } {
  let state = initialState();
  const answers: Answer[] = [];
  for (const [i, command] of commands.entries()) {
    if (restoreAt.has(i)) state = decodeAccountState(encodeAccountState(state));
    const decision = decide(state, command, { now: Date.parse(command.at), leaseMs: DEFAULT_LEASE_MS });
    answers.push({ events: decision.events, error: decision.error?.code ?? null });
    for (const event of decision.events) {
      evolve(state, event);
      state.revision += 1n;
    }
  }
  return { answers, state };
}

const generated = (): LedgerCommand[] =>
  [...createHistory({ commands: 4_000, accounts: 1, users: 150, days: 60, seed: 11 }).commands] as unknown as LedgerCommand[];

/** Alert rules and webhooks, which neither history has. */
const alertsAndWebhooks = (): LedgerCommand[] => [
  cmd('OpenAccount', '2026-01-05T09:00:00Z', { name: 'Acme', timezone: 'Europe/Berlin' }),
  cmd('CreateAlertRule', '2026-01-05T09:01:00Z', {
    ruleId: 'r1',
    kind: 'usage-threshold',
    product: 'KSE',
    scope: 'account',
    threshold: 80,
    windowSeconds: 600,
  }),
  cmd('CreateAlertRule', '2026-01-05T09:02:00Z', { ruleId: 'r2', kind: 'expiring', product: 'KRE', scope: 'account', threshold: 30 }),
  cmd('RegisterWebhook', '2026-01-05T09:03:00Z', { webhookId: 'w1', url: 'https://hooks.example/a', secretFingerprint: 'f1' }),
  cmd('RegisterWebhook', '2026-01-05T09:04:00Z', { webhookId: 'w2', url: 'https://hooks.example/b', secretFingerprint: 'f2' }),
  cmd('RemoveAlertRule', '2026-01-05T09:05:00Z', { ruleId: 'r1' }),
  cmd('RemoveWebhook', '2026-01-05T09:06:00Z', { webhookId: 'w1' }),
];

describe('account-state snapshots', () => {
  const histories: [string, () => LedgerCommand[]][] = [
    ['the SPEC §7 example', spec7Commands],
    ['a generated 4,000-command account', generated],
    ['alert rules and webhooks', alertsAndWebhooks],
  ];

  test.each(histories)('%s: a state restored from its snapshot decides every later command as the folded one does', (_, history) => {
    const commands = history();
    const folded = decideAll(commands);
    const cuts = [1, Math.floor(commands.length / 3), Math.floor((2 * commands.length) / 3), commands.length - 1];
    const restored = decideAll(commands, new Set(cuts));
    expect(folded.answers.filter((a) => a.events.length > 0).length).toBeGreaterThan(commands.length / 2);
    expect(restored.answers).toEqual(folded.answers);
    expect(restored.state).toEqual(folded.state);
    // Same text: every Map and Set also iterates in the same order.
    expect(encodeAccountState(restored.state)).toBe(encodeAccountState(folded.state));
  });

  test('a round trip keeps Maps, Sets, bigints and the timestamps JSON has no number for', () => {
    const { state } = decideAll(generated());
    const back = decodeAccountState(encodeAccountState(state));
    expect(back.revision).toBe(state.revision);
    expect(typeof back.revision).toBe('bigint');
    expect(back.products.get('KSE')?.seats).toBeInstanceOf(Map);
    expect([...back.sessions.keys()]).toEqual([...state.sessions.keys()]);
    expect([...back.endedSessions]).toEqual([...state.endedSessions]);
    expect([...back.expiredSessions]).toEqual([...state.expiredSessions]);
    expect(state.endedSessions.size).toBeGreaterThan(10);
    expect(state.expiredSessions.size).toBeGreaterThan(0);

    const empty = decodeAccountState(encodeAccountState(initialState()));
    expect(empty.lastAt).toBe(Number.NEGATIVE_INFINITY);
    expect(empty).toEqual(initialState());
  });

  test('a snapshot taken before ended sessions left the state and commandIds left it for the store (version 1) is refused', () => {
    const text = encodeAccountState(decideAll(spec7Commands()).state);
    const v1 = JSON.stringify({ ...(JSON.parse(text) as object), version: 1, commands: { ids: '', lengths: '', runs: '' } });
    expect(() => decodeAccountState(v1)).toThrow(`taken by state version 1, this decider is version ${ACCOUNT_STATE_VERSION}`);
  });

  test('a snapshot of another state version, or not a snapshot at all, is refused', () => {
    const text = encodeAccountState(decideAll(spec7Commands()).state);
    const other = JSON.stringify({ ...(JSON.parse(text) as object), version: ACCOUNT_STATE_VERSION + 1 });
    expect(() => decodeAccountState(other)).toThrow(StateSnapshotFormatError);
    expect(() => decodeAccountState(other)).toThrow(
      `taken by state version ${ACCOUNT_STATE_VERSION + 1}, this decider is version ${ACCOUNT_STATE_VERSION}`,
    );
    expect(() => decodeAccountState(text.slice(0, text.length / 2))).toThrow(/not JSON/);
    expect(() => decodeAccountState(JSON.stringify({ ...(JSON.parse(text) as object), sessions: {} }))).toThrow('sessions is not a list');
  });
});
