import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useCallback, useState, type ReactNode } from 'react';
import type { AccountDirectory, CommandOutcome, LicensesMetric, LicensesOverview, ProductOverview, ScopeLine } from '@contracts';
import { accountPath } from '../api/account';
import { getJson } from '../api/client';
import { useAccountDirectory, useConsole } from '../app/console-context';
import { useViewParams } from '../app/url-state';
import { useCommandFollowUp } from '../components/command-follow-up';
import { AsOfPicker } from '../components/controls';
import { ExplainPanel } from '../components/ExplainPanel';
import { Empty, Loading, ProblemMessage } from '../components/feedback';
import { AssignSeatDialog, ConfirmDialog, DedicateDialog, OfflineLicenseDialog, RegisterMachineDialog } from '../components/license-actions';
import { formatInstant, formatNumber } from '../format/format';

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
const OFFLINE_PRODUCTS = new Set(['KSE', 'KRE']);

type Action =
  | { kind: 'assign' }
  | { kind: 'dedicate'; orgId: string | null; current: number }
  | { kind: 'offline' }
  | { kind: 'machine' }
  | { kind: 'unassign'; userId: string; name: string }
  | { kind: 'deactivate'; machineId: string; userId: string };

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
  const [action, setAction] = useState<Action | null>(null);
  const followUp = useCommandFollowUp();
  const path = accountPath(account.accountId, '/licenses');
  const overview = useQuery({
    queryKey: ['licenses', account.accountId, asOf],
    queryFn: ({ signal }) => getJson<LicensesOverview>(path, { asOf }, signal),
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
        <ProductPanel
          product={product}
          account={account}
          canAct={canAct}
          onAction={setAction}
          onExplain={(scope, metric) => update({ explain: metric, scope })}
          refreshing={followUp.behind(overview.data?.asOfPosition)}
        />
      )}
      {!key.can.manageAccount && <p className="hint">This {key.role} key reads the overview; changing it takes an account-admin key.</p>}
      {key.can.manageAccount && asOf !== '' && <p className="hint">As of a past instant the overview is read-only: choose “Now” to act.</p>}
      {product && action && <ActionDialog action={action} product={product.product} onDone={followUp.done} onClose={close} />}
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

function ActionDialog({
  action,
  product,
  onDone,
  onClose,
}: {
  action: Action;
  product: string;
  onDone: (o: CommandOutcome) => void;
  onClose: () => void;
}) {
  switch (action.kind) {
    case 'assign':
      return <AssignSeatDialog product={product} onDone={onDone} onClose={onClose} />;
    case 'dedicate':
      return <DedicateDialog product={product} orgId={action.orgId} current={action.current} onDone={onDone} onClose={onClose} />;
    case 'offline':
      return <OfflineLicenseDialog product={product} onDone={onDone} onClose={onClose} />;
    case 'machine':
      return <RegisterMachineDialog product={product} onDone={onDone} onClose={onClose} />;
    case 'unassign':
      return (
        <ConfirmDialog
          title={`Unassign the ${product} seat of ${action.name}?`}
          confirmLabel="Unassign"
          text={<>The seat returns to its pool; the user’s open sessions go on. A later assignment is activated again only by a new login.</>}
          request={{ method: 'DELETE', path: `/assignments/${encodeURIComponent(product)}/${encodeURIComponent(action.userId)}` }}
          onDone={onDone}
          onClose={onClose}
        />
      );
    case 'deactivate':
      return (
        <ConfirmDialog
          title={`Deactivate machine ${action.machineId}?`}
          confirmLabel="Deactivate"
          text={<>The machine is no longer registered for {product}. A machine bound to an unexpired offline license cannot be deactivated.</>}
          request={{
            method: 'POST',
            path: `/machines/${encodeURIComponent(product)}/${encodeURIComponent(action.machineId)}/deactivate`,
            body: { userId: action.userId },
          }}
          onDone={onDone}
          onClose={onClose}
        />
      );
  }
}

/** Each scope's parent scope: its nearest ancestor organization among the scopes, else the account. */
function scopeTree(scopes: readonly ScopeLine[], account: AccountDirectory): Map<string, ScopeLine[]> {
  const present = new Set(scopes.map((s) => s.scope));
  const parentOf = new Map(account.organizations.map((o) => [o.orgId, o.parentOrgId]));
  const children = new Map<string, ScopeLine[]>();
  for (const line of scopes) {
    if (line.scope === 'account') continue;
    let parent: string | null = parentOf.get(line.scope) ?? null;
    while (parent !== null && !present.has(parent)) parent = parentOf.get(parent) ?? null;
    const key = parent ?? 'account';
    children.set(key, [...(children.get(key) ?? []), line]);
  }
  return children;
}

function ProductPanel({
  product,
  account,
  canAct,
  onAction,
  onExplain,
  refreshing,
}: {
  product: ProductOverview;
  account: AccountDirectory;
  canAct: boolean;
  onAction: (a: Action) => void;
  onExplain: (scope: string, metric: LicensesMetric) => void;
  refreshing: boolean;
}) {
  const zone = account.timezone;
  const children = scopeTree(product.scopes, account);
  const root = product.scopes.find((s) => s.scope === 'account');
  const figure = (scope: string, metric: LicensesMetric, value: number) => (
    <button
      type="button"
      className={`figure num${value < 0 ? ' negative' : ''}`}
      onClick={() => onExplain(scope, metric)}
      aria-label={`${formatNumber(value)}: explain ${metric} of ${scope === 'account' ? 'the account' : scope}`}
    >
      {formatNumber(value)}
    </button>
  );
  const renderScope = (line: ScopeLine): ReactNode => (
    <li key={line.scope} data-scope={line.scope}>
      <div className="scope-row" data-testid={`scope-${line.scope}`}>
        <span className="name">
          {line.name}
          {line.available < 0 && <span className="badge down"> over-allocated</span>}
        </span>
        {figure(line.scope, 'dedicated', line.dedicated)}
        {figure(line.scope, 'pool', line.pool)}
        {figure(line.scope, 'used', line.used)}
        {figure(line.scope, 'available', line.available)}
        {figure(line.scope, 'offline', line.offline)}
        <span>
          {canAct && line.scope !== 'account' && (
            <button type="button" className="link" onClick={() => onAction({ kind: 'dedicate', orgId: line.scope, current: line.dedicated })}>
              Change
            </button>
          )}
        </span>
      </div>
      {(children.get(line.scope) ?? []).length > 0 && <ul className="tree">{children.get(line.scope)!.map(renderScope)}</ul>}
    </li>
  );
  const isSeat = product.model === 'seat';
  return (
    <article className={refreshing ? 'product-card refreshing' : 'product-card'} aria-busy={refreshing} data-testid="product-card">
      <header>
        <h2>
          {account.products.find((p) => p.product === product.product)?.name ?? product.product}{' '}
          <small>
            ({product.product}, {product.model})
          </small>
        </h2>
        <div className="facts">
          <span>Purchased {figure('account', 'purchased', product.purchased)}</span>
          <span>
            Machines <strong>{formatNumber(product.registeredMachines)}</strong> of{' '}
            <strong>{product.machineQuota === null ? 'unlimited' : formatNumber(product.machineQuota)}</strong>
          </span>
          <span>
            Expires <strong>{product.expiresAt ? formatInstant(product.expiresAt, zone) : 'no active purchase'}</strong> <small>({zone})</small>
          </span>
        </div>
      </header>
      {canAct && (
        <div className="actions" aria-label="Actions">
          {isSeat && (
            <button type="button" onClick={() => onAction({ kind: 'assign' })}>
              Assign seat
            </button>
          )}
          <button type="button" onClick={() => onAction({ kind: 'dedicate', orgId: null, current: 0 })}>
            Dedicate licenses
          </button>
          {OFFLINE_PRODUCTS.has(product.product) && (
            <button type="button" onClick={() => onAction({ kind: 'offline' })}>
              Generate offline license
            </button>
          )}
          {product.model !== 'aut' && (
            <button type="button" onClick={() => onAction({ kind: 'machine' })}>
              Register machine
            </button>
          )}
        </div>
      )}
      <section aria-label={`${product.product} pools by scope`}>
        <div className="scope-row head" aria-hidden="true">
          <span>Scope</span>
          <span className="num">Dedicated</span>
          <span className="num">Pool</span>
          <span className="num">Used</span>
          <span className="num">Available</span>
          <span className="num">Offline</span>
          <span />
        </div>
        <ul className="tree">{root && renderScope(root)}</ul>
      </section>
      <div className="lists">
        {isSeat && (
          <ListSection
            title="Licensed users"
            count={product.licensedUsers.length}
            head={['User', 'Email', 'License source', '']}
            rows={product.licensedUsers.map((u) => [
              u.userId,
              [
                `${u.name} (${u.userId})`,
                u.email,
                u.licenseSourceName,
                canAct ? (
                  <button type="button" className="link" onClick={() => onAction({ kind: 'unassign', userId: u.userId, name: u.name })}>
                    Unassign
                  </button>
                ) : null,
              ],
            ])}
          />
        )}
        {product.model !== 'aut' && (
          <ListSection
            title="Online licenses"
            count={product.onlineLicenses.length}
            head={['Machine', 'User', 'Session', `Started (${zone})`, 'Last seen']}
            rows={product.onlineLicenses.map((o) => [
              o.sessionId,
              [o.machineId, o.userId, o.sessionId, formatInstant(o.startedAt, zone), formatInstant(o.lastSeenAt, zone)],
            ])}
          />
        )}
        {OFFLINE_PRODUCTS.has(product.product) && (
          <ListSection
            title="Offline licenses"
            count={product.offlineLicenses.length}
            head={['Machine', 'User', `Expires (${zone})`, 'Source', 'State']}
            rows={product.offlineLicenses.map((o) => [
              `${o.machineId}:${o.expiresAt}`,
              [o.machineId, o.userId, formatInstant(o.expiresAt, zone), o.licenseSource, o.unexpired ? 'unexpired' : 'expired'],
            ])}
          />
        )}
        {product.model !== 'aut' && (
          <ListSection
            title="Registered machines"
            count={product.machines.length}
            head={['Machine', 'User', `Registered (${zone})`, '']}
            rows={product.machines.map((m) => [
              m.machineId,
              [
                m.machineId,
                m.userId,
                formatInstant(m.registeredAt, zone),
                canAct ? (
                  <button type="button" className="link" onClick={() => onAction({ kind: 'deactivate', machineId: m.machineId, userId: m.userId })}>
                    Deactivate
                  </button>
                ) : null,
              ],
            ])}
          />
        )}
      </div>
    </article>
  );
}

/** A list of the overview as a table; long lists show their first 200 rows. */
function ListSection({
  title,
  count,
  head,
  rows,
}: {
  title: string;
  count: number;
  head: readonly string[];
  rows: readonly [string, readonly ReactNode[]][];
}) {
  const shown = rows.slice(0, 200);
  return (
    <section aria-label={title}>
      <h3>
        {title} <small>({formatNumber(count)})</small>
      </h3>
      {count === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <table className="data compact">
          <thead>
            <tr>
              {head.map((h, i) => (
                <th scope="col" key={i}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map(([key, cells]) => (
              <tr key={key}>
                {cells.map((c, i) => (
                  <td key={i}>{c}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {count > shown.length && (
        <p className="hint">
          The first {shown.length} of {formatNumber(count)}.
        </p>
      )}
    </section>
  );
}
