import type { AccountDirectory, KeyInfo } from '@contracts';
import { useQuery } from '@tanstack/react-query';
import { getJson } from './client';

/** The key of this tab: who it is, which account, what its role may do. */
export function useKeyInfo(enabled: boolean) {
  return useQuery({
    queryKey: ['me'],
    queryFn: ({ signal }) => getJson<KeyInfo>('/v1/me', undefined, signal),
    enabled,
    staleTime: Infinity,
    retry: false,
  });
}

/** The account's name, zone, organizations and products. */
export function useAccount(accountId: string | null) {
  return useQuery({
    queryKey: ['account', accountId],
    queryFn: ({ signal }) => getJson<AccountDirectory>(`/v1/accounts/${encodeURIComponent(accountId!)}`, undefined, signal),
    enabled: accountId !== null,
    staleTime: 30_000,
  });
}

export function accountPath(accountId: string, rest = ''): string {
  return `/v1/accounts/${encodeURIComponent(accountId)}${rest}`;
}
