import type { LedgerCommand } from '../../../domain/src/commands.js';
import { cmd } from '../../../domain/src/testing/decider-spec.js';

/** SPEC §7, the seat part, as commands (written out: tests don't read ../shared at run time). */
export const WORKED_EXAMPLE: LedgerCommand[] = [
  cmd('OpenAccount', '2026-01-05T13:00:00Z', { name: 'Acme', timezone: 'America/New_York' }),
  cmd('CreateOrganization', '2026-01-05T13:01:00Z', { orgId: 'qa', name: 'QA' }),
  cmd('CreateOrganization', '2026-01-05T13:02:00Z', { orgId: 'mobile', name: 'Mobile', parentOrgId: 'qa' }),
  cmd('RegisterUser', '2026-01-05T13:03:00Z', { userId: 'u1', email: 'u1@acme.example', fullName: 'User One', orgId: 'qa' }),
  cmd('RegisterUser', '2026-01-05T13:04:00Z', { userId: 'u2', email: 'u2@acme.example', fullName: 'User Two', orgId: 'mobile' }),
  cmd('RegisterUser', '2026-01-05T13:05:00Z', { userId: 'u3', email: 'u3@acme.example', fullName: 'User Three', orgId: 'mobile' }),
  cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
    purchaseId: 'p1',
    product: 'KSE',
    quantity: 5,
    startsAt: '2026-01-01T00:00:00Z',
    expiresAt: '2027-01-01T00:00:00Z',
  }),
  cmd('DedicateLicenses', '2026-01-05T15:00:00Z', { product: 'KSE', orgId: 'qa', quantity: 3 }),
  cmd('DedicateLicenses', '2026-01-05T15:05:00Z', { product: 'KSE', orgId: 'mobile', quantity: 1 }),
  cmd('AssignSeat', '2026-01-06T13:00:00Z', { product: 'KSE', userId: 'u2' }),
  cmd('AssignSeat', '2026-01-06T13:01:00Z', { product: 'KSE', userId: 'u3' }), // rejected: mobile is full
  cmd('AssignSeat', '2026-01-06T13:02:00Z', { product: 'KSE', userId: 'u1' }),
  cmd('RecordLogin', '2026-01-07T04:30:00Z', { product: 'KSE', userId: 'u2' }),
  cmd('RecordLogin', '2026-01-07T05:30:00Z', { product: 'KSE', userId: 'u1' }),
  cmd('UnassignSeat', '2026-02-10T12:00:00Z', { product: 'KSE', userId: 'u1' }),
  cmd('AssignSeat', '2026-02-10T12:05:00Z', { product: 'KSE', userId: 'u1' }),
];
