import type { LedgerCommand } from '../commands.js';
import { cmd } from './decider-spec.js';

/**
 * SPEC §7, the worked example, as typed commands: the one fixture of the tests that load it. It is
 * written out (unit tests do not read ../shared at run time); test/support/spec-7-example.spec.ts
 * checks that it is examples/spec-7-worked-example.ndjson beside the SPEC, command for command.
 */

/** The account, its two organizations and three users. */
export const SPEC7_SETUP: readonly LedgerCommand[] = [
  cmd('OpenAccount', '2026-01-05T13:00:00Z', { name: 'Acme', timezone: 'America/New_York' }),
  cmd('CreateOrganization', '2026-01-05T13:01:00Z', { orgId: 'qa', name: 'QA' }),
  cmd('CreateOrganization', '2026-01-05T13:02:00Z', { orgId: 'mobile', name: 'Mobile', parentOrgId: 'qa' }),
  cmd('RegisterUser', '2026-01-05T13:03:00Z', { userId: 'u1', email: 'u1@acme.example', fullName: 'User One', orgId: 'qa' }),
  cmd('RegisterUser', '2026-01-05T13:04:00Z', { userId: 'u2', email: 'u2@acme.example', fullName: 'User Two', orgId: 'mobile' }),
  cmd('RegisterUser', '2026-01-05T13:05:00Z', { userId: 'u3', email: 'u3@acme.example', fullName: 'User Three', orgId: 'mobile' }),
];

/** The numbered rows of the §7 seat table (index = row number); row 5 is rejected (mobile is full). */
export const SPEC7_SEAT_ROWS: Readonly<Record<number, LedgerCommand>> = {
  1: cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
    purchaseId: 'p1',
    product: 'KSE',
    quantity: 5,
    startsAt: '2026-01-01T00:00:00Z',
    expiresAt: '2027-01-01T00:00:00Z',
  }),
  2: cmd('DedicateLicenses', '2026-01-05T15:00:00Z', { product: 'KSE', orgId: 'qa', quantity: 3 }),
  3: cmd('DedicateLicenses', '2026-01-05T15:05:00Z', { product: 'KSE', orgId: 'mobile', quantity: 1 }),
  4: cmd('AssignSeat', '2026-01-06T13:00:00Z', { product: 'KSE', userId: 'u2' }),
  5: cmd('AssignSeat', '2026-01-06T13:01:00Z', { product: 'KSE', userId: 'u3' }),
  6: cmd('AssignSeat', '2026-01-06T13:02:00Z', { product: 'KSE', userId: 'u1' }),
  7: cmd('RecordLogin', '2026-01-07T04:30:00Z', { product: 'KSE', userId: 'u2' }),
  8: cmd('RecordLogin', '2026-01-07T05:30:00Z', { product: 'KSE', userId: 'u1' }),
  9: cmd('UnassignSeat', '2026-02-10T12:00:00Z', { product: 'KSE', userId: 'u1' }),
  10: cmd('AssignSeat', '2026-02-10T12:05:00Z', { product: 'KSE', userId: 'u1' }),
};

/** The seat part: the setup and rows 1–10 in order (row 5 included: it is sent and rejected). */
export const SPEC7_SEATS: readonly LedgerCommand[] = [...SPEC7_SETUP, ...Object.values(SPEC7_SEAT_ROWS)];

/** The KRE purchase: 2 units over March, local time. */
export const SPEC7_KRE_PURCHASE = cmd('PurchaseLicenses', '2026-02-20T15:00:00Z', {
  purchaseId: 'p2',
  product: 'KRE',
  quantity: 2,
  startsAt: '2026-03-01T05:00:00Z',
  expiresAt: '2026-04-01T04:00:00Z',
  machineQuota: 10,
});

const start = (sessionId: string, userId: string, machineId: string, at: string) =>
  cmd('StartSession', at, { product: 'KRE', sessionId, userId, machineId });
const beat = (sessionId: string, at: string) => cmd('HeartbeatSession', at, { sessionId });
const end = (sessionId: string, at: string) => cmd('EndSession', at, { sessionId });

/** s4, tried at 10:45 local while s1 and s2 are open: denied for capacity. */
export const SPEC7_DENIED_START = start('s4', 'u3', 'm4', '2026-03-02T15:45:00Z');

/** The KRE sessions of 2026-03-02, in order. */
export const SPEC7_KRE_SESSIONS: readonly LedgerCommand[] = [
  start('s1', 'u1', 'm1', '2026-03-02T15:00:00Z'),
  beat('s1', '2026-03-02T15:10:00Z'),
  beat('s1', '2026-03-02T15:20:00Z'),
  beat('s1', '2026-03-02T15:30:00Z'),
  start('s2', 'u2', 'm2', '2026-03-02T15:30:00Z'),
  beat('s1', '2026-03-02T15:40:00Z'),
  beat('s2', '2026-03-02T15:40:00Z'),
  SPEC7_DENIED_START,
  beat('s1', '2026-03-02T15:50:00Z'),
  beat('s2', '2026-03-02T15:50:00Z'),
  end('s1', '2026-03-02T16:00:00Z'),
  beat('s2', '2026-03-02T16:00:00Z'),
  start('s3', 'u3', 'm3', '2026-03-02T16:00:00Z'),
  beat('s2', '2026-03-02T16:10:00Z'),
  beat('s3', '2026-03-02T16:10:00Z'),
  beat('s2', '2026-03-02T16:20:00Z'),
  beat('s3', '2026-03-02T16:20:00Z'),
  end('s3', '2026-03-02T16:30:00Z'),
  beat('s2', '2026-03-02T16:30:00Z'),
  beat('s2', '2026-03-02T16:40:00Z'),
  beat('s2', '2026-03-02T16:50:00Z'),
  end('s2', '2026-03-02T17:00:00Z'),
];

/** The whole example in file order, each command with the file's `commandId` (ex7-001, …). */
export function spec7Example(): LedgerCommand[] {
  return [...SPEC7_SEATS, SPEC7_KRE_PURCHASE, ...SPEC7_KRE_SESSIONS].map((command, i) => ({
    ...command,
    commandId: `ex7-${String(i + 1).padStart(3, '0')}`,
  }));
}
