import type { QueryClient } from '@tanstack/react-query';
import type { SeriesBody } from '@contracts';
import { accountPath } from './account';
import { getJson, type Params } from './client';

/** The parameters of a bucket-series report as a view sends them (absent ones empty). */
export type SeriesRequest = {
  readonly product: string;
  readonly orgId: string;
  readonly from: string;
  readonly to: string;
  readonly interval: string;
  readonly groupBy: string;
  readonly asOf: string;
};

/** One query per report and parameters: the view and the early fetch below share it (capacity reports add their own parameters). */
export function seriesQuery<B extends SeriesBody<object>>(accountId: string, report: string, request: SeriesRequest | Params) {
  return {
    queryKey: ['report', accountId, report, request] as const,
    queryFn: ({ signal }: { signal: AbortSignal }) => getJson<B>(accountPath(accountId, `/reports/${report}`), { ...request }, signal),
  };
}

/**
 * Starts a series report the URL fully names as soon as the key's account is known, beside the
 * account's own answer, instead of after it (the first chart of a link comes sooner).
 */
export function prefetchSeries(client: QueryClient, accountId: string, report: string, params: URLSearchParams): void {
  const request: SeriesRequest = {
    product: params.get('product') ?? '',
    orgId: params.get('orgId') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    interval: params.get('interval') ?? '',
    groupBy: params.get('groupBy') === 'org' ? 'org' : '',
    asOf: params.get('asOf') ?? '',
  };
  if (request.product === '' || request.from === '' || request.to === '' || request.interval === '') return;
  void client.prefetchQuery(seriesQuery(accountId, report, request));
}
