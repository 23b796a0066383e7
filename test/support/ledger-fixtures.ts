import type { SecretFreeCommand } from '../../libs/ledger/src/command-gateway.js';

/** An account with one org, `users` users in it and a KSE purchase of `seats`, as commands. */
export function accountWithSeatPool(accountId: string, seats: number, users: number): SecretFreeCommand[] {
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 5, 12, minute)).toISOString();
  return [
    { type: 'OpenAccount', accountId, name: 'Race', timezone: 'UTC', at: at(0) },
    { type: 'CreateOrganization', accountId, orgId: 'qa', name: 'QA', at: at(1) },
    ...Array.from({ length: users }, (_, i): SecretFreeCommand => ({
      type: 'RegisterUser',
      accountId,
      userId: `u${i}`,
      email: `u${i}@race.example`,
      fullName: `User ${i}`,
      orgId: 'qa',
      at: at(2),
    })),
    {
      type: 'PurchaseLicenses',
      accountId,
      purchaseId: 'p1',
      product: 'KSE',
      quantity: seats,
      startsAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2027-01-01T00:00:00.000Z',
      at: at(3),
    },
  ];
}
