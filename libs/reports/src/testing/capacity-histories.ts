import type { LedgerCommand } from '../../../domain/src/commands.js';
import { cmd } from '../../../domain/src/testing/decider-spec.js';

/** Hand-computed histories of the capacity answers (SPEC §8), shared by their report and explain tests. */

const user = (userId: string, orgId: string, at: string) =>
  cmd('RegisterUser', at, { userId, email: `${userId}@acme.example`, fullName: `User ${userId}`, orgId });
export const assign = (userId: string, at: string) => cmd('AssignSeat', at, { product: 'KSE', userId });
export const unassign = (userId: string, at: string) => cmd('UnassignSeat', at, { product: 'KSE', userId });
export const login = (userId: string, at: string) => cmd('RecordLogin', at, { product: 'KSE', userId });
export const activity = (userId: string, at: string) => cmd('RecordActivity', at, { product: 'KSE', userId, action: 'run-test-suite' });

/** Account acme in `timezone`: qa (u1–u3) and dev (u4, u5), KSE ×5 from 1 Feb 2026. */
export function directory(timezone: string): LedgerCommand[] {
  return [
    cmd('OpenAccount', '2026-02-01T00:00:00Z', { name: 'Acme', timezone }),
    cmd('CreateOrganization', '2026-02-01T00:01:00Z', { orgId: 'qa', name: 'QA' }),
    cmd('CreateOrganization', '2026-02-01T00:02:00Z', { orgId: 'dev', name: 'Dev' }),
    user('u1', 'qa', '2026-02-01T00:03:00Z'),
    user('u2', 'qa', '2026-02-01T00:04:00Z'),
    user('u3', 'qa', '2026-02-01T00:05:00Z'),
    user('u4', 'dev', '2026-02-01T00:06:00Z'),
    user('u5', 'dev', '2026-02-01T00:07:00Z'),
    cmd('PurchaseLicenses', '2026-02-01T01:00:00Z', {
      purchaseId: 'p1',
      product: 'KSE',
      quantity: 5,
      startsAt: '2026-02-01T00:00:00Z',
      expiresAt: '2027-02-01T00:00:00Z',
    }),
  ];
}

/**
 * SPEC §8.2b in UTC, idleDays=2. KSE ×10, no dedication; u1–u3 in qa, u4 in dev.
 *   u1: assigned 1 Mar; activity 2 Mar, 6 Mar 12:00, 7 Mar → reclaimed 4 Mar, back 6 Mar 12:00 (2.5 days); reclaimed 9 Mar, never back.
 *   u2: assigned 1 Mar; login exactly at 3 Mar 00:00 (2 days after: keeps it); unassigned 4 Mar 12:00, before 5 Mar.
 *   u3: assigned 2 Mar, idle → reclaimed 4 Mar; login 12 Mar (8 days later) returns it; reclaimed 14 Mar; unassigned 20 Mar.
 *   u4: assigned 1 Mar, active every day at 08:00 from 2 to 16 Mar → reclaimed 18 Mar 08:00.
 */
export const RECLAIM_HISTORY: LedgerCommand[] = [
  ...directory('UTC'),
  cmd('AmendPurchase', '2026-02-01T01:30:00Z', { purchaseId: 'p1', quantity: 10 }),
  ...[
    assign('u1', '2026-03-01T00:00:00Z'),
    assign('u2', '2026-03-01T00:00:00Z'),
    assign('u4', '2026-03-01T00:00:00Z'),
    activity('u1', '2026-03-02T00:00:00Z'),
    assign('u3', '2026-03-02T00:00:00Z'),
    login('u2', '2026-03-03T00:00:00Z'),
    unassign('u2', '2026-03-04T12:00:00Z'),
    activity('u1', '2026-03-06T12:00:00Z'),
    activity('u1', '2026-03-07T00:00:00Z'),
    login('u3', '2026-03-12T00:00:00Z'),
    unassign('u3', '2026-03-20T00:00:00Z'),
    ...Array.from({ length: 15 }, (_, i) => activity('u4', `2026-03-${String(i + 2).padStart(2, '0')}T08:00:00Z`)),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)),
];

/**
 * SPEC §8.3 on one account in Asia/Kolkata (+05:30: local days turn at 18:30Z), KRE ×1.
 * u1 (qa) holds the session while u2 (qa) and u3 (dev) are denied:
 *   d1 04:10Z u2, d2 04:15Z u2, d3 04:20Z u2 (exactly 10 min after d1), d4 04:21Z u2, d5 04:30Z u3;
 *   s3 of u3 at 04:38Z (8 min after d5); d6 18:25Z u2 (23:55 local, 2 March), d7 18:32Z u2 (00:02 local, 3 March).
 */
const Z = (time: string, date = '2026-03-02') => `${date}T${time}:00Z`;
const start = (sessionId: string, userId: string, at: string) =>
  cmd('StartSession', at, { product: 'KRE', sessionId, userId, machineId: `m-${sessionId}` });
const end = (sessionId: string, at: string) => cmd('EndSession', at, { sessionId });
const beat = (sessionId: string, at: string) => cmd('HeartbeatSession', at, { sessionId });

export const DENIALS_HISTORY: LedgerCommand[] = [
  cmd('OpenAccount', '2026-02-20T00:00:00Z', { name: 'Acme', timezone: 'Asia/Kolkata' }),
  cmd('CreateOrganization', '2026-02-20T00:01:00Z', { orgId: 'qa', name: 'QA' }),
  cmd('CreateOrganization', '2026-02-20T00:02:00Z', { orgId: 'dev', name: 'Dev' }),
  ...['u1', 'u2'].map((userId, i) =>
    cmd('RegisterUser', `2026-02-20T00:0${3 + i}:00Z`, { userId, email: `${userId}@acme.example`, fullName: userId, orgId: 'qa' }),
  ),
  cmd('RegisterUser', '2026-02-20T00:05:00Z', { userId: 'u3', email: 'u3@acme.example', fullName: 'u3', orgId: 'dev' }),
  cmd('PurchaseLicenses', '2026-02-20T01:00:00Z', {
    purchaseId: 'p1',
    product: 'KRE',
    quantity: 1,
    startsAt: '2026-03-01T00:00:00Z',
    expiresAt: '2027-03-01T00:00:00Z',
  }),
  start('s1', 'u1', Z('04:00')),
  start('d1', 'u2', Z('04:10')),
  beat('s1', Z('04:10')),
  start('d2', 'u2', Z('04:15')),
  start('d3', 'u2', Z('04:20')),
  beat('s1', Z('04:20')),
  start('d4', 'u2', Z('04:21')),
  start('d5', 'u3', Z('04:30')),
  end('s1', Z('04:35')),
  start('s3', 'u3', Z('04:38')),
  end('s3', Z('05:00')),
  start('s4', 'u1', Z('18:00')),
  beat('s4', Z('18:10')),
  beat('s4', Z('18:20')),
  start('d6', 'u2', Z('18:25')),
  beat('s4', Z('18:30')),
  start('d7', 'u2', Z('18:32')),
  beat('s4', Z('18:40')),
  end('s4', Z('18:50')),
];
