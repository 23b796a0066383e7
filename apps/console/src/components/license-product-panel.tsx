import type { ReactNode } from 'react';
import type { AccountDirectory, LicenseListName, LicensesMetric, ProductOverview, ScopeLine } from '@contracts';
import { formatInstant, formatNumber } from '../format/format';
import type { LicenseAction } from './license-action-dialog';
import { LicenseList } from './license-list';

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
  asOf,
  position,
}: {
  product: ProductOverview;
  account: AccountDirectory;
  /** The instant replayed ('' for now): the overview then holds its lists whole, paged in the browser. */
  asOf: string;
  position: string | null;
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
  const whole = asOf !== '';
  const listProps = <L extends LicenseListName>(list: L) => ({
    list,
    accountId: account.accountId,
    product: product.product,
    asOf,
    position,
    refreshing,
  });
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
          <LicenseList
            key={`licensed-users:${product.product}:${asOf}`}
            {...listProps('licensed-users')}
            title="Licensed users"
            rows={whole ? product.licensedUsers : undefined}
            rowKey={(u) => u.userId}
            columns={[
              { key: 'name', header: 'User', cell: (u) => `${u.name} (${u.userId})` },
              { key: 'email', header: 'Email' },
              { key: 'licenseSourceName', header: 'License source' },
              {
                key: 'userId',
                id: 'unassign',
                header: '',
                cell: (u) =>
                  canAct ? (
                    <button type="button" className="link" onClick={() => onAction({ kind: 'unassign', userId: u.userId, name: u.name })}>
                      Unassign
                    </button>
                  ) : null,
              },
            ]}
          />
        )}
        {product.model !== 'aut' && (
          <LicenseList
            key={`online-licenses:${product.product}:${asOf}`}
            {...listProps('online-licenses')}
            title="Online licenses"
            rows={whole ? product.onlineLicenses : undefined}
            rowKey={(o) => o.sessionId}
            columns={[
              { key: 'machineId', header: 'Machine' },
              { key: 'userId', header: 'User' },
              { key: 'sessionId', header: 'Session' },
              { key: 'startedAt', header: `Started (${zone})`, cell: (o) => formatInstant(o.startedAt, zone) },
              { key: 'lastSeenAt', header: 'Last seen', cell: (o) => formatInstant(o.lastSeenAt, zone) },
            ]}
          />
        )}
        {OFFLINE_PRODUCTS.has(product.product) && (
          <LicenseList
            key={`offline-licenses:${product.product}:${asOf}`}
            {...listProps('offline-licenses')}
            title="Offline licenses"
            rows={whole ? product.offlineLicenses : undefined}
            rowKey={(o) => `${o.machineId}:${o.expiresAt}`}
            columns={[
              { key: 'machineId', header: 'Machine' },
              { key: 'userId', header: 'User' },
              { key: 'expiresAt', header: `Expires (${zone})`, cell: (o) => formatInstant(o.expiresAt, zone) },
              { key: 'licenseSource', header: 'Source' },
              { key: 'unexpired', header: 'State', cell: (o) => (o.unexpired ? 'unexpired' : 'expired') },
            ]}
          />
        )}
        {product.model !== 'aut' && (
          <LicenseList
            key={`machines:${product.product}:${asOf}`}
            {...listProps('machines')}
            title="Registered machines"
            rows={whole ? product.machines : undefined}
            rowKey={(m) => m.machineId}
            columns={[
              { key: 'machineId', header: 'Machine' },
              { key: 'userId', header: 'User' },
              { key: 'registeredAt', header: `Registered (${zone})`, cell: (m) => formatInstant(m.registeredAt, zone) },
              {
                key: 'machineId',
                id: 'deactivate',
                header: '',
                cell: (m) =>
                  canAct ? (
                    <button type="button" className="link" onClick={() => onAction({ kind: 'deactivate', machineId: m.machineId, userId: m.userId })}>
                      Deactivate
                    </button>
                  ) : null,
              },
            ]}
          />
        )}
      </div>
    </article>
  );
}
