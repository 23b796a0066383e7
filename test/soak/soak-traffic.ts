import { ERROR_STATUS } from '../../libs/domain/src/errors.js';
import { REPORTS } from '../../libs/reports/src/catalog.js';
import { Random } from '../../libs/history-generator/src/random.js';

/** One account a client works on, with an account-admin token. */
export interface SoakAccount {
  readonly accountId: string;
  readonly token: string;
  readonly users: readonly string[];
}

export interface ClientConfig {
  readonly url: string;
  readonly accounts: readonly SoakAccount[];
  readonly seconds: number;
  readonly client: number;
  readonly seed: number;
}

/** What a client saw; counts by kind, latencies in ms. */
export interface ClientTally {
  commands: number;
  queries: number;
  commandMs: number[];
  queryMs: number[];
  /** Refusals by a rule of the ledger (409 with its code): expected under this traffic. */
  rejections: Record<string, number>;
  /** Anything else that is not a success: 5xx, timeouts, lost connections, 4xx that the traffic never causes. */
  unexpected: Record<string, number>;
  /** First few unexpected answers, for the report. */
  samples: string[];
}

/** The codes SPEC §2–3 answers with 409: rule rejections this traffic provokes on purpose. CONFLICT means retries ran out. */
const RULE_CODES = new Set(
  Object.entries(ERROR_STATUS)
    .filter(([code, status]) => status === 409 && code !== 'CONFLICT')
    .map(([code]) => code),
);
const REQUEST_TIMEOUT_MS = 30_000;
const SESSION_PRODUCT = 'KRE';

export function emptyTally(): ClientTally {
  return { commands: 0, queries: 0, commandMs: [], queryMs: [], rejections: {}, unexpected: {}, samples: [] };
}

/** A live session this client started and still heartbeats. */
interface OpenSession {
  readonly account: SoakAccount;
  readonly sessionId: string;
  beats: number;
}

/**
 * Sends mixed traffic until `seconds` have passed: seat assignments and releases, logins and
 * activity, sessions that start, heartbeat and end, offline licenses, and report queries.
 */
export async function runClient(config: ClientConfig, tally: ClientTally): Promise<void> {
  const random = new Random(config.seed);
  const deadline = Date.now() + config.seconds * 1000;
  const sessions: OpenSession[] = [];
  let sequence = 0;
  const pick = <T>(items: readonly T[]): T => items[random.int(items.length)];
  const today = new Date().toISOString().slice(0, 10);
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

  const send = async (kind: 'command' | 'query', account: SoakAccount, method: string, path: string, body?: unknown) => {
    const started = performance.now();
    let outcome: string;
    try {
      const response = await fetch(`${config.url}/v1/accounts/${account.accountId}${path}`, {
        method,
        headers: { authorization: `Bearer ${account.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      if (response.ok) outcome = 'ok';
      else {
        const code = (JSON.parse(text) as { code?: string }).code ?? 'NO_CODE';
        outcome = response.status === 409 && RULE_CODES.has(code) ? `rule:${code}` : `${response.status} ${code}`;
        if (!outcome.startsWith('rule:') && tally.samples.length < 10) tally.samples.push(`${method} ${path} → ${text.slice(0, 300)}`);
      }
    } catch (error) {
      outcome = error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : `network ${(error as Error).message}`;
      if (tally.samples.length < 10) tally.samples.push(`${method} ${path} → ${outcome}`);
    }
    const ms = performance.now() - started;
    if (kind === 'command') {
      tally.commands += 1;
      tally.commandMs.push(ms);
    } else {
      tally.queries += 1;
      tally.queryMs.push(ms);
    }
    if (outcome.startsWith('rule:')) tally.rejections[outcome.slice(5)] = (tally.rejections[outcome.slice(5)] ?? 0) + 1;
    else if (outcome !== 'ok') tally.unexpected[outcome] = (tally.unexpected[outcome] ?? 0) + 1;
    return outcome;
  };

  const actions: [weight: number, act: () => Promise<unknown>][] = [
    [
      4,
      () => {
        const a = pick(config.accounts);
        return send('command', a, 'POST', '/assignments', { product: 'KSE', userId: pick(a.users) });
      },
    ],
    [
      3,
      () => {
        const a = pick(config.accounts);
        return send('command', a, 'DELETE', `/assignments/KSE/${pick(a.users)}`);
      },
    ],
    [
      4,
      () => {
        const a = pick(config.accounts);
        return send('command', a, 'POST', '/logins', { product: 'KSE', userId: pick(a.users) });
      },
    ],
    [
      4,
      () => {
        const a = pick(config.accounts);
        return send('command', a, 'POST', '/activity', { product: 'KSE', userId: pick(a.users), action: 'run-test' });
      },
    ],
    [
      3,
      async () => {
        const account = pick(config.accounts);
        const sessionId = `c${config.client}-s${(sequence += 1)}`;
        const outcome = await send('command', account, 'POST', '/sessions', {
          product: SESSION_PRODUCT,
          sessionId,
          userId: pick(account.users),
          machineId: `m${random.int(50)}`,
        });
        if (outcome === 'ok') sessions.push({ account, sessionId, beats: 0 });
      },
    ],
    [
      6,
      async () => {
        if (sessions.length === 0) return;
        const session = sessions[random.int(sessions.length)];
        const ending = session.beats >= 3 || sessions.length > 8;
        if (ending) sessions.splice(sessions.indexOf(session), 1);
        else session.beats += 1;
        await send('command', session.account, 'POST', `/sessions/${session.sessionId}/${ending ? 'end' : 'heartbeat'}`);
      },
    ],
    [
      1,
      () => {
        const a = pick(config.accounts);
        const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
        return send('command', a, 'POST', '/offline-licenses', {
          product: 'KSE',
          userId: pick(a.users),
          machineId: `om${random.int(100)}`,
          expiresAt,
        });
      },
    ],
    [
      5,
      () => {
        const a = pick(config.accounts);
        const report = pick(REPORTS);
        const product = pick(report.products);
        const range = report.shape === 'series' ? `&from=${yesterday}&to=${today}&interval=hour` : '';
        return send('query', a, 'GET', `/reports/${report.name}?product=${product}${range}`);
      },
    ],
    [1, () => send('query', pick(config.accounts), 'GET', '/licenses')],
  ];
  const total = actions.reduce((sum, [weight]) => sum + weight, 0);

  while (Date.now() < deadline) {
    let roll = random.int(total);
    const [, act] = actions.find(([weight]) => (roll -= weight) < 0)!;
    await act();
  }
  for (const session of sessions) await send('command', session.account, 'POST', `/sessions/${session.sessionId}/end`);
}
