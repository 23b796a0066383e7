import { useQuery } from '@tanstack/react-query';
import { useCallback, useId, useState } from 'react';
import type { AlertKind, AlertRuleView, AlertRulesBody, CommandOutcome } from '@contracts';
import { accountPath } from '../api/account';
import { getJson } from '../api/client';
import { useAccountDirectory, useConsole } from '../app/console-context';
import { ALERT_KINDS, ruleSummary, scopeName } from '../components/alert-parts';
import { useCommandFollowUp } from '../components/command-follow-up';
import { ProductPicker, productsOf, ScopePicker } from '../components/controls';
import type { TableColumn } from '../components/DataTable';
import { Empty, Loading, ProblemMessage } from '../components/feedback';
import { CommandDialog, ConfirmDialog, TextField } from '../components/license-actions';
import { WholeListTable } from '../components/WholeListTable';
import { formatInstant, formatNumber } from '../format/format';

const ALL_MODELS = ['seat', 'session', 'aut'] as const;
type Action = { kind: 'create' } | { kind: 'remove'; rule: AlertRuleView };

/**
 * Alert rules (SPEC §9): the account's rules, removed ones included. An account admin creates one
 * (CreateAlertRule) and removes one (RemoveAlertRule); a refusal shows the rule's own words with the
 * field named, and nothing is changed. Other roles read the list.
 */
export default function AlertRulesView() {
  const account = useAccountDirectory();
  const { key } = useConsole();
  const [action, setAction] = useState<Action | null>(null);
  const followUp = useCommandFollowUp();
  const rules = useQuery({
    queryKey: ['alert-rules', account.accountId],
    queryFn: ({ signal }) => getJson<AlertRulesBody>(accountPath(account.accountId, '/alert-rules'), undefined, signal),
    refetchInterval: (query) => followUp.pollWhileBehind(query.state.data?.asOfPosition),
  });
  const close = useCallback(() => setAction(null), []);
  const canAct = key.can.manageAccount;
  const zone = account.timezone;
  const list = rules.data?.rules ?? [];
  const columns: TableColumn<AlertRuleView>[] = [
    { key: 'ruleId', header: 'Rule' },
    { key: 'kind', header: 'Kind', cell: (r) => ALERT_KINDS[r.kind].label },
    { key: 'product', header: 'Product' },
    { key: 'scope', header: 'Scope', cell: (r) => scopeName(r.scope, account) },
    { key: 'threshold', header: 'Threshold', numeric: true, cell: (r) => (ALERT_KINDS[r.kind].threshold === null ? '—' : formatNumber(r.threshold)) },
    {
      key: 'windowSeconds',
      header: 'Window (s)',
      numeric: true,
      cell: (r) => (ALERT_KINDS[r.kind].window === null ? '—' : formatNumber(r.windowSeconds)),
    },
    { key: 'createdAt', header: `Created (${zone})`, cell: (r) => formatInstant(r.createdAt, zone) },
    {
      key: 'removedAt',
      header: 'State',
      cell: (r) =>
        r.removedAt !== null ? (
          <span className="muted">removed {formatInstant(r.removedAt, zone)}</span>
        ) : canAct ? (
          <>
            active{' '}
            <button type="button" className="link" onClick={() => setAction({ kind: 'remove', rule: r })}>
              Remove
            </button>
          </>
        ) : (
          'active'
        ),
    },
  ];

  return (
    <section className="view" aria-labelledby="view-title">
      <h1 id="view-title">Alert Rules</h1>
      <div className="toolbar">
        {canAct && (
          <button type="button" className="primary" onClick={() => setAction({ kind: 'create' })}>
            Create rule
          </button>
        )}
        {rules.data && (
          <p className="stamp" data-testid="stamp">
            Up to position {rules.data.asOfPosition ?? '—'}
          </p>
        )}
      </div>
      {rules.isPending && <Loading what="the alert rules" />}
      {rules.isError && <ProblemMessage error={rules.error} />}
      {rules.data && list.length === 0 && <Empty>No alert rule yet.</Empty>}
      {list.length > 0 && (
        <WholeListTable
          rows={list}
          columns={columns}
          caption="Alert rules"
          rowKey={(r) => `${r.ruleId}:${r.createdAt}`}
          testId="alert-rules"
          refreshing={followUp.behind(rules.data?.asOfPosition)}
        />
      )}
      {!canAct && <p className="hint">This {key.role} key reads the rules; creating or removing one takes an account-admin key.</p>}
      {action?.kind === 'create' && <CreateRuleDialog onDone={followUp.done} onClose={close} />}
      {action?.kind === 'remove' && (
        <ConfirmDialog
          title={`Remove the alert rule ${action.rule.ruleId}?`}
          confirmLabel="Remove rule"
          text={
            <>It watches {ruleSummary(action.rule, account)}. Its open alerts are cleared now (reason “rule removed”); past alerts stay listed.</>
          }
          request={{ method: 'DELETE', path: `/alert-rules/${encodeURIComponent(action.rule.ruleId)}` }}
          onDone={followUp.done}
          onClose={close}
        />
      )}
      {followUp.toast}
    </section>
  );
}

/** CreateAlertRule: id, kind, product, scope, and the threshold and window the kind uses. */
function CreateRuleDialog({ onDone, onClose }: { onDone: (o: CommandOutcome) => void; onClose: () => void }) {
  const account = useAccountDirectory();
  const [ruleId, setRuleId] = useState('');
  const [kind, setKind] = useState<AlertKind>('usage-threshold');
  const [product, setProduct] = useState<string>(productsOf(account, ALL_MODELS)[0]?.product ?? '');
  const [orgId, setOrgId] = useState('');
  const [threshold, setThreshold] = useState('');
  const [windowSeconds, setWindowSeconds] = useState('');
  const kindId = useId();
  const about = ALERT_KINDS[kind];
  return (
    <CommandDialog
      title="Create an alert rule"
      submitLabel="Create rule"
      onDone={onDone}
      onClose={onClose}
      build={() => {
        if (ruleId.trim() === '') return 'Give the rule an id.';
        // The ledger checks every field (SPEC §9) and names the one it refuses.
        const body = {
          ruleId: ruleId.trim(),
          kind,
          product,
          scope: orgId === '' ? 'account' : orgId,
          ...(about.threshold !== null && threshold !== '' ? { threshold: Number(threshold) } : {}),
          ...(about.window !== null && windowSeconds !== '' ? { windowSeconds: Number(windowSeconds) } : {}),
        };
        return { method: 'POST', path: '/alert-rules', body };
      }}
    >
      <TextField label="Rule id" value={ruleId} onChange={setRuleId} />
      <div className="field">
        <label htmlFor={kindId}>Kind</label>
        <select id={kindId} value={kind} onChange={(e) => setKind(e.target.value as AlertKind)}>
          {Object.entries(ALERT_KINDS).map(([k, v]) => (
            <option key={k} value={k}>
              {v.label} ({k})
            </option>
          ))}
        </select>
        <small>Raised when {about.watches}.</small>
      </div>
      <ProductPicker models={ALL_MODELS} value={product} onChange={setProduct} />
      <ScopePicker value={orgId} onChange={setOrgId} />
      {about.threshold !== null && (
        <TextField label="Threshold" type="number" step="any" value={threshold} onChange={setThreshold} hint={about.threshold} />
      )}
      {about.window !== null && (
        <TextField
          label="Window (seconds)"
          type="number"
          value={windowSeconds}
          onChange={setWindowSeconds}
          required={about.window.required}
          hint={`${about.window.meaning}; at most 31 days`}
        />
      )}
      <p className="hint">Rules are evaluated in business time, from the instant the rule is created.</p>
    </CommandDialog>
  );
}
