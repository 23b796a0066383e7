import type { QueryClient } from '@tanstack/react-query';
import { accountQuery, keyInfoQuery } from '../api/account';
import { prefetchSeries } from '../api/reports';
import type { ViewDefinition } from './registry';

/**
 * What a link opens, asked for before the console first renders: the key's answer (already sent by
 * the page's early script), then the account and the view's series report side by side. The views
 * find the answers in the query cache.
 */
export async function startEarlyRequests(client: QueryClient, view: ViewDefinition | undefined, search: string): Promise<void> {
  const key = await client.fetchQuery(keyInfoQuery).catch(() => null);
  if (!key?.accountId || !key.can.readReports) return;
  void client.prefetchQuery(accountQuery(key.accountId));
  if (view?.series) prefetchSeries(client, key.accountId, view.series, new URLSearchParams(search));
}
