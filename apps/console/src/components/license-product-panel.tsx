import type { ReactNode } from 'react';
import type { AccountDirectory, LicensesMetric, ProductOverview, ScopeLine } from '@contracts';
import { formatInstant, formatNumber } from '../format/format';
import type { LicenseAction } from './license-action-dialog';

const OFFLINE_PRODUCTS = new Set(['KSE', 'KRE']);

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

/**
 * One product on the License Management page: its facts, the pools of the account and of every
 * dedicated organization as a tree (each figure explains itself), the actions an admin may take,
 * and the lists of what holds its units.
 */
export function LicenseProductPanel({
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
  onAction: (a: LicenseAction) => void;
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
