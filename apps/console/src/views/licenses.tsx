import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { LicensesMetric, LicensesOverview } from '@contracts';
import { accountPath } from '../api/account';
import { getJson } from '../api/client';
import { useAccountDirectory, useConsole } from '../app/console-context';
import { useViewParams } from '../app/url-state';
import { useCommandFollowUp } from '../components/command-follow-up';
import { AsOfPicker } from '../components/controls';
import { ExplainPanel } from '../components/ExplainPanel';
import { Empty, Loading, ProblemMessage } from '../components/feedback';
import { LicenseActionDialog, type LicenseAction } from '../components/license-action-dialog';
import { LicenseProductPanel } from '../components/license-product-panel';
import { formatInstant } from '../format/format';

const FIGURES: readonly { key: LicensesMetric; label: string; description: string }[] = [
  {
    key: 'dedicated',
    label: 'Dedicated',
    description: 'For the account, the purchased quantity; for an organization, the quantity dedicated to it.',
  },
  { key: 'pool', label: 'Pool', description: 'Dedicated, less what is dedicated to the organizations whose parent scope this is.' },
  {
    key: 'used',
    label: 'Used',
    description: 'Units drawn from this scope now: seats, open sessions, unexpired offline licenses (and active applications, for the account).',
  },
  {
    key: 'available',
    label: 'Available',
    description: 'Pool − used. Negative when a purchase expired below the usage (over-allocation): nothing can be drawn until it is 1 or more again.',
  },
  { key: 'offline', label: 'Offline', description: 'The unexpired offline licenses among the used units.' },
  { key: 'purchased', label: 'Purchased', description: 'The quantity of the product’s purchases active at the instant (after amendments).' },
];

/**
 * License Management (SPEC §4.7): per product, Dedicated / Pool / Used / Available / Offline of the
 * account and of every dedicated organization, as a tree; machine quota and expiry; licensed users,
 * online and offline licenses, registered machines. Account admins act from here; as of a past
 * instant the page is read-only. Every figure explains itself.
 */
export default function LicensesView() {
  const account = useAccountDirectory();
  const { key } = useConsole();
  const [params, update] = useViewParams();
  const asOf = params.get('asOf') ?? '';
  const [action, setAction] = useState<LicenseAction | null>(null);
  const followUp = useCommandFollowUp();
  const path = accountPath(account.accountId, '/licenses');
  const overview = useQuery({
    queryKey: ['licenses', account.accountId, asOf],
    // At now the lists come a page at a time from their own routes; as of an instant the overview is
    // replayed once, whole, and its lists are paged in the browser (docs/decisions.md).
    queryFn: ({ signal }) => getJson<LicensesOverview>(path, { asOf, listLimit: asOf === '' ? 0 : undefined }, signal),
    placeholderData: keepPreviousData,
    // After a command: ask again until the projections have folded it.
    refetchInterval: (query) => followUp.pollWhileBehind(query.state.data?.asOfPosition),
  });
  const close = useCallback(() => setAction(null), []);
  const canAct = key.can.manageAccount && asOf === '';
  const products = overview.data?.products ?? [];
  const selected = params.get('product') ?? products[0]?.product ?? '';
  const product = products.find((p) => p.product === selected) ?? products[0];
  const explainScope = params.get('scope');
  const explainMetric = params.get('explain');

  return (
    <section className="view" aria-labelledby="view-title">
      <h1 id="view-title">License Management</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Overview">
        <AsOfPicker value={asOf} onChange={(value) => update({ asOf: value, explain: null, scope: null })} />
        {overview.data && !overview.isPlaceholderData && (
          <p className="stamp" data-testid="stamp">
            {asOf !== '' ? (
              <>
                Replayed as of <strong>{formatInstant(overview.data.asOf, account.timezone)}</strong>
              </>
            ) : (
              <>Now: {formatInstant(overview.data.asOf, account.timezone)}</>
            )}{' '}
            ({account.timezone}) · position {overview.data.asOfPosition ?? '—'}
          </p>
        )}
      </form>
      {products.length > 0 && (
        <div className="toolbar" role="tablist" aria-label="Product">
          {products.map((p) => (
            <button
              key={p.product}
              type="button"
              role="tab"
              aria-selected={p.product === product?.product}
              aria-pressed={p.product === product?.product}
              onClick={() => update({ product: p.product, explain: null, scope: null })}
            >
              {account.products.find((d) => d.product === p.product)?.name ?? p.product} <small>({p.product})</small>
            </button>
          ))}
        </div>
      )}
      {overview.isPending && <Loading what="the license overview" />}
      {overview.isError && <ProblemMessage error={overview.error} />}
      {overview.data && products.length === 0 && <Empty>{asOf ? 'Nothing was purchased yet at that instant.' : 'Nothing purchased yet.'}</Empty>}
      {product && (
        <LicenseProductPanel
          product={product}
          account={account}
          canAct={canAct}
          onAction={setAction}
          onExplain={(scope, metric) => update({ explain: metric, scope })}
          refreshing={followUp.behind(overview.data?.asOfPosition)}
          asOf={asOf}
          position={overview.data?.asOfPosition ?? null}
        />
      )}
      {!key.can.manageAccount && <p className="hint">This {key.role} key reads the overview; changing it takes an account-admin key.</p>}
      {key.can.manageAccount && asOf !== '' && <p className="hint">As of a past instant the overview is read-only: choose “Now” to act.</p>}
      {product && action && <LicenseActionDialog action={action} product={product.product} onDone={followUp.done} onClose={close} />}
      {followUp.toast}
      {product && explainScope && explainMetric && (
        <ExplainPanel
          timezone={account.timezone}
          target={{
            path: accountPath(account.accountId, '/licenses/explain'),
            params: { product: product.product, scope: explainScope, metric: explainMetric, asOf },
            metric: explainMetric,
            metrics: FIGURES,
            title: `${product.product}, ${explainScope === 'account' ? 'Account' : (account.organizations.find((o) => o.orgId === explainScope)?.path ?? explainScope)}`,
          }}
          onMetric={(metric) => update({ explain: metric })}
          onClose={() => update({ explain: null, scope: null })}
        />
      )}
    </section>
  );
}
