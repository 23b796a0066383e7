import type { AccountDirectory, KeyInfo } from '@contracts';
import { useQuery } from '@tanstack/react-query';
import { takeEarlyKeyInfo } from '../app/early-key-info';
import { apiAnswer, getJson } from './client';

/** The key of this tab: who it is, which account, what its role may do (the page's early request answers the first ask). */
export const keyInfoQuery = {
  queryKey: ['me'] as const,
  queryFn: async ({ signal }: { signal: AbortSignal }): Promise<KeyInfo> => {
    const early = takeEarlyKeyInfo();
    if (early === null) return getJson<KeyInfo>('/v1/me', undefined, signal);
    return (await (await apiAnswer(early)).json()) as KeyInfo;
  },
  staleTime: Infinity,
  retry: false,
};

export function useKeyInfo(enabled: boolean) {
  return useQuery({ ...keyInfoQuery, enabled });
}

/** The account's name, zone, organizations and products. */
export function accountQuery(accountId: string) {
  return {
    queryKey: ['account', accountId] as const,
    queryFn: ({ signal }: { signal: AbortSignal }) => getJson<AccountDirectory>(`/v1/accounts/${encodeURIComponent(accountId)}`, undefined, signal),
    staleTime: 30_000,
  };
}

export function useAccount(accountId: string | null) {
  return useQuery({ ...accountQuery(accountId ?? ''), enabled: accountId !== null });
}

export function accountPath(accountId: string, rest = ''): string {
  return `/v1/accounts/${encodeURIComponent(accountId)}${rest}`;
}
