import { decide, evolve, initialState, type AccountState, type LedgerCommand } from '../../domain/src/index.js';
import { parseCommand } from '../../ledger/src/validation/parse-command.js';
import { createHistory, type HistoryCommand } from './generate-history.js';

const LEASE_MS = 900_000;

function generate(commands: number, extra: Record<string, number> = {}): { list: HistoryCommand[]; history: ReturnType<typeof createHistory> } {
  const history = createHistory({ commands, ...extra });
  return { list: [...history.commands], history };
}

describe('generate-history', () => {
  test('is deterministic for a seed and stops at exactly the number of commands asked', () => {
    const a = generate(3_000).list;
    const b = generate(3_000).list;
    const c = generate(3_000, { seed: 2 }).list;
    expect(a).toHaveLength(3_000);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });

  test('every command passes the import schema, lies in the past and is in time order per account', () => {
    const { list } = generate(8_000, { accounts: 3, users: 300 });
    const last = new Map<string, number>();
    for (const command of list) {
      expect(() => parseCommand(command)).not.toThrow();
      const at = Date.parse(command.at);
      expect(at).toBeLessThan(Date.now());
      expect(at).toBeGreaterThanOrEqual(last.get(command.accountId) ?? -Infinity);
      last.set(command.accountId, at);
    }
    expect(last.size).toBe(3);
  });

  test('the ledger rules accept every command except the rejections the generator expects', () => {
    const { list, history } = generate(15_000, { accounts: 2, users: 500 });
    const states = new Map<string, AccountState>();
    const rejected: Record<string, number> = {};
    const now = Date.now();
    for (const raw of list) {
      const command = parseCommand(raw) as LedgerCommand;
      const state = states.get(command.accountId) ?? initialState();
      states.set(command.accountId, state);
      const decision = decide(state, command, { now, leaseMs: LEASE_MS });
      for (const event of decision.events) evolve(state, event);
      if (decision.error) rejected[decision.error.code] = (rejected[decision.error.code] ?? 0) + 1;
    }
    expect(rejected).toEqual(history.stats.expectedRejections);
    const types = Object.keys(history.stats.byType);
    for (const type of [
      'OpenAccount',
      'CreateOrganization',
      'RegisterUser',
      'PurchaseLicenses',
      'DedicateLicenses',
      'AssignSeat',
      'UnassignSeat',
      'RecordLogin',
      'RecordActivity',
      'StartSession',
      'HeartbeatSession',
      'EndSession',
      'GenerateOfflineLicense',
      'RegisterMachine',
      'DeactivateMachine',
      'ActivateApplication',
      'MoveUser',
    ]) {
      expect(types).toContain(type);
    }
  });
});
