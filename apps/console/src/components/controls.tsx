import { useEffect, useId, useState } from 'react';
import type { AccountDirectory, LicenseModel } from '@contracts';
import { useAccountDirectory } from '../app/console-context';
import { useViewParams, type ParamChanges } from '../app/url-state';
import { addDays, instantFromLocal, localFromInstant, todayIn } from '../format/format';

export const INTERVALS = ['hour', 'day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

/** The products of `models`, those the account purchased first. */
export function productsOf(account: AccountDirectory, models: readonly LicenseModel[]) {
  const list = account.products.filter((p) => models.includes(p.model));
  return [...list.filter((p) => p.purchased), ...list.filter((p) => !p.purchased)];
}

/**
 * The filters every report view shares, read from the URL; missing ones are filled in (replacing
 * the history entry): the account's first purchased product of the view's models, the last 30 days
 * up to today in the account's zone, by day.
 */
export function useReportFilters(models: readonly LicenseModel[], options: { range?: boolean } = {}) {
  const account = useAccountDirectory();
  const [params, update] = useViewParams();
  const products = productsOf(account, models);
  const today = todayIn(account.timezone);
  const defaults: Record<string, string> = {};
  if (!params.get('product') && products[0]) defaults.product = products[0].product;
  if (options.range !== false) {
    if (!params.get('to')) defaults.to = today;
    if (!params.get('from')) defaults.from = addDays(params.get('to') ?? today, -29);
    if (!params.get('interval')) defaults.interval = 'day';
  }
  const missing = Object.keys(defaults).length > 0;
  useEffect(() => {
    if (missing) update(defaults, { replace: true });
    // Only when the URL lacks a value: the defaults follow from it.
  }, [missing, params.toString()]);
  return {
    account,
    params,
    update,
    products,
    ready: !missing,
    product: params.get('product') ?? defaults.product ?? '',
    orgId: params.get('orgId') ?? '',
    from: params.get('from') ?? defaults.from ?? '',
    to: params.get('to') ?? defaults.to ?? '',
    interval: (params.get('interval') ?? 'day') as Interval,
    asOf: params.get('asOf') ?? '',
  };
}

export function ProductPicker({ models, value, onChange }: { models: readonly LicenseModel[]; value: string; onChange: (product: string) => void }) {
  const account = useAccountDirectory();
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Product</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {productsOf(account, models).map((p) => (
          <option key={p.product} value={p.product}>
            {p.name} ({p.product}){p.purchased ? '' : ' — never purchased'}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The account, or any organization of its tree (indented by depth). */
export function ScopePicker({ value, onChange, label = 'Scope' }: { value: string; onChange: (orgId: string) => void; label?: string }) {
  const account = useAccountDirectory();
  const id = useId();
  const depth = new Map<string, number>();
  for (const org of account.organizations) depth.set(org.orgId, org.parentOrgId === null ? 1 : (depth.get(org.parentOrgId) ?? 0) + 1);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Account ({account.name})</option>
        {account.organizations.map((org) => (
          <option key={org.orgId} value={org.orgId}>
            {'\u00a0\u00a0'.repeat(depth.get(org.orgId) ?? 1)}
            {org.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** From / to as local calendar dates of the account's zone (to inclusive), the zone named. */
export function DateRange({
  from,
  to,
  onChange,
  optional = false,
}: {
  from: string;
  to: string;
  onChange: (changes: ParamChanges) => void;
  optional?: boolean;
}) {
  const account = useAccountDirectory();
  const fromId = useId();
  const toId = useId();
  return (
    <fieldset className="range">
      <legend>
        {optional ? 'Started between' : 'Dates'} <small>({account.timezone})</small>
      </legend>
      <label htmlFor={fromId}>From</label>
      <input id={fromId} type="date" value={from} required={!optional} onChange={(e) => onChange({ from: e.target.value })} />
      <label htmlFor={toId}>To</label>
      <input id={toId} type="date" value={to} required={!optional} min={from || undefined} onChange={(e) => onChange({ to: e.target.value })} />
    </fieldset>
  );
}

export function IntervalPicker({ value, onChange }: { value: string; onChange: (interval: string) => void }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Interval</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {INTERVALS.map((i) => (
          <option key={i} value={i}>
            {i}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * "As of": a local date-time in the account's zone; the report is then replayed from the events as
 * the ledger stood at that instant (SPEC §5). Empty: now, from the projections.
 */
export function AsOfPicker({ value, onChange }: { value: string; onChange: (asOf: string | null) => void }) {
  const account = useAccountDirectory();
  const id = useId();
  const [local, setLocal] = useState(value ? localFromInstant(value, account.timezone) : '');
  useEffect(() => setLocal(value ? localFromInstant(value, account.timezone) : ''), [value, account.timezone]);
  const apply = () => onChange(local === '' ? null : instantFromLocal(local, account.timezone));
  return (
    <div className="field as-of">
      <label htmlFor={id}>
        As of <small>({account.timezone})</small>
      </label>
      <span className="inline">
        <input
          id={id}
          type="datetime-local"
          step={1}
          value={local}
          onChange={(e) => setLocal(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') apply();
          }}
        />
        <button type="button" onClick={apply}>
          Replay
        </button>
        {value !== '' && (
          <button type="button" className="link" onClick={() => onChange(null)}>
            Now
          </button>
        )}
      </span>
    </div>
  );
}
