import { accountPath } from '../api/account';
import type { Params } from '../api/client';
import { useAccountDirectory } from '../app/console-context';
import { useViewParams } from '../app/url-state';
import { localWallTime } from '../format/format';
import { ExplainPanel } from './ExplainPanel';
import type { ChartSeries } from './SeriesChart';

/** A bucket figure Explain can answer for: the metric's key in the body, its name and how it is made. */
export interface ExplainableMetric {
  readonly key: string;
  readonly label: string;
  readonly description: string;
}

/** URL changes that close an open explanation (a filter changed: the bucket may be another one). */
export const EXPLAIN_CLOSED = { explain: null, bucket: null, explainOrg: null } as const;

/**
 * Explain on the bucket figures of a series report (SPEC §5): a chart point or a table figure opens
 * the explanation, which lives in the URL (`explain` the metric, `bucket` its start, `explainOrg`
 * the organization of a series per child organization), so a link reopens it.
 */
export function useBucketExplain(series: readonly ChartSeries[], metrics: readonly ExplainableMetric[]) {
  const [params, update] = useViewParams();
  const explainable = (key: string | null) => key !== null && metrics.some((m) => m.key === key);
  /** The bucket at `index` of the first series: the metric clicked, else the one open, else the first the bucket has a value of. */
  const open = (index: number, metric: string | null, orgId: string | null = null) => {
    const bucket = series[0]?.buckets[index] as Readonly<Record<string, unknown>> | undefined;
    if (!bucket) return;
    const has = (key: string | null) => explainable(key) && bucket[key!] !== undefined && bucket[key!] !== null;
    const chosen = [metric, params.get('explain'), ...metrics.map((m) => m.key)].find(has);
    if (chosen) update({ explain: chosen, bucket: String(bucket.start), explainOrg: orgId });
  };
  return {
    /** A chart point (or the bucket under the pointer) was chosen. */
    onSelect: (index: number, metric: string | null) => open(index, metric),
    /** A table figure was chosen. */
    onExplain: (index: number, metric: string) => open(index, metric),
    open,
  };
}

/**
 * The explanation the URL names, if any, of the report `report` asked with `params` (the report's
 * own parameters; `orgId` is the series' organization when one was chosen).
 */
export function BucketExplainPanel({
  report,
  params,
  metrics,
  productName,
  scopeName,
}: {
  report: string;
  params: Params;
  metrics: readonly ExplainableMetric[];
  productName: string;
  scopeName: string;
}) {
  const account = useAccountDirectory();
  const [urlParams, update] = useViewParams();
  const metric = urlParams.get('explain');
  const bucket = urlParams.get('bucket');
  const orgId = urlParams.get('explainOrg');
  if (!metric || !bucket) return null;
  return (
    <ExplainPanel
      timezone={account.timezone}
      target={{
        path: accountPath(account.accountId, `/reports/${report}/explain`),
        params: { ...params, ...(orgId ? { orgId } : {}), bucket, metric },
        metric,
        metrics,
        title: `${productName}, ${orgId ?? scopeName}, bucket starting ${localWallTime(bucket)} (${account.timezone})`,
      }}
      onMetric={(next) => update({ explain: next })}
      onClose={() => update(EXPLAIN_CLOSED)}
    />
  );
}
