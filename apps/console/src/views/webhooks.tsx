import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { CommandOutcome, DeliveriesBody, DeliveryView, WebhooksBody, WebhookView } from '@contracts';
import { accountPath } from '../api/account';
import { getJson } from '../api/client';
import { useAccountDirectory, useConsole } from '../app/console-context';
import { useViewParams } from '../app/url-state';
import { useCommandFollowUp } from '../components/command-follow-up';
import { DataTable, type TableColumn } from '../components/DataTable';
import { Empty, Loading, ProblemMessage } from '../components/feedback';
import { CommandDialog, ConfirmDialog, TextField } from '../components/license-actions';
import { WholeListTable } from '../components/WholeListTable';
import { formatInstant, formatNumber } from '../format/format';

type Action = { kind: 'register' } | { kind: 'remove'; webhook: WebhookView };
const PAGE_SIZE = 50;

/**
 * Webhooks (SPEC §9): the account's webhooks (id, url, a fingerprint of the secret — never the
 * secret); an account admin registers one (the secret is write-only) and removes one. Choosing a
 * webhook shows its delivery log: each raised or cleared alert POSTed to it, with every attempt.
 */
export default function WebhooksView() {
  const account = useAccountDirectory();
  const { key } = useConsole();
  const [params, update] = useViewParams();
  const [action, setAction] = useState<Action | null>(null);
  const followUp = useCommandFollowUp();
  const webhooks = useQuery({
    queryKey: ['webhooks', account.accountId],
    queryFn: ({ signal }) => getJson<WebhooksBody>(accountPath(account.accountId, '/webhooks'), undefined, signal),
    refetchInterval: (query) => followUp.pollWhileBehind(query.state.data?.asOfPosition),
  });
  const close = useCallback(() => setAction(null), []);
  const canAct = key.can.manageAccount;
  const zone = account.timezone;
  const selected = params.get('webhook');
  const list = webhooks.data?.webhooks ?? [];
  const columns: TableColumn<WebhookView>[] = [
    { key: 'webhookId', header: 'Webhook' },
    { key: 'url', header: 'URL', cell: (w) => <code>{w.url}</code> },
    {
      key: 'secretFingerprint',
      header: 'Secret fingerprint',
      cell: (w) => <code title="A keyed fingerprint: the secret itself is never shown">{w.secretFingerprint}</code>,
    },
    { key: 'registeredAt', header: `Registered (${zone})`, cell: (w) => formatInstant(w.registeredAt, zone) },
    {
      key: 'removedAt',
      header: 'State',
      cell: (w) => (
        <span className="inline">
          {w.removedAt === null ? 'active' : <span className="muted">removed {formatInstant(w.removedAt, zone)}</span>}
          <button type="button" className="link" aria-pressed={selected === w.webhookId} onClick={() => update({ webhook: w.webhookId, page: null })}>
            Deliveries
          </button>
          {canAct && w.removedAt === null && (
            <button type="button" className="link" onClick={() => setAction({ kind: 'remove', webhook: w })}>
              Remove
            </button>
          )}
        </span>
      ),
    },
  ];

  return (
    <section className="view" aria-labelledby="view-title">
      <h1 id="view-title">Webhooks</h1>
      <div className="toolbar">
        {canAct && (
          <button type="button" className="primary" onClick={() => setAction({ kind: 'register' })}>
            Register webhook
          </button>
        )}
        {webhooks.data && (
          <p className="stamp" data-testid="stamp">
            Up to position {webhooks.data.asOfPosition ?? '—'}
          </p>
        )}
      </div>
      {webhooks.isPending && <Loading what="the webhooks" />}
      {webhooks.isError && <ProblemMessage error={webhooks.error} />}
      {webhooks.data && list.length === 0 && <Empty>No webhook yet.</Empty>}
      {list.length > 0 && (
        <WholeListTable
          rows={list}
          columns={columns}
          caption="Webhooks"
          rowKey={(w) => `${w.webhookId}:${w.registeredAt}`}
          testId="webhooks"
          refreshing={followUp.behind(webhooks.data?.asOfPosition)}
        />
      )}
      {!canAct && (
        <p className="hint">This {key.role} key reads the webhooks and their deliveries; registering or removing one takes an account-admin key.</p>
      )}
      {selected && <DeliveryLog webhookId={selected} />}
      {action?.kind === 'register' && <RegisterWebhookDialog onDone={followUp.done} onClose={close} />}
      {action?.kind === 'remove' && (
        <ConfirmDialog
          title={`Remove the webhook ${action.webhook.webhookId}?`}
          confirmLabel="Remove webhook"
          text={
            <>
              Nothing more is POSTed to <code>{action.webhook.url}</code>: its pending deliveries are cancelled. Its delivery log stays.
            </>
          }
          request={{ method: 'DELETE', path: `/webhooks/${encodeURIComponent(action.webhook.webhookId)}` }}
          onDone={followUp.done}
          onClose={close}
        />
      )}
      {followUp.toast}
    </section>
  );
}

/** RegisterWebhook: id, url, and the secret deliveries are signed with (sent once, never shown again). */
function RegisterWebhookDialog({ onDone, onClose }: { onDone: (o: CommandOutcome) => void; onClose: () => void }) {
  const [webhookId, setWebhookId] = useState('');
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  return (
    <CommandDialog
      title="Register a webhook"
      submitLabel="Register webhook"
      onDone={onDone}
      onClose={onClose}
      build={() =>
        webhookId.trim() === '' || url.trim() === '' || secret === ''
          ? 'Give the webhook an id, a URL and a secret.'
          : { method: 'POST', path: '/webhooks', body: { webhookId: webhookId.trim(), url: url.trim(), secret } }
      }
    >
      <TextField label="Webhook id" value={webhookId} onChange={setWebhookId} />
      <TextField
        label="URL"
        type="url"
        value={url}
        onChange={setUrl}
        hint="https:// (http:// only where the ledger allows it); public addresses only, unless the ledger allows private ones"
      />
      <TextField
        label="Secret (write-only)"
        type="password"
        value={secret}
        onChange={setSecret}
        hint="Signs every delivery (Ledger-Signature: sha256=HMAC of the body). Stored encrypted: it is never shown again, here or anywhere; to change it, remove the webhook and register it again."
      />
    </CommandDialog>
  );
}

/** A webhook's deliveries, newest first, each with every attempt: when, the receiver's status or the error, how long. */
function DeliveryLog({ webhookId }: { webhookId: string }) {
  const account = useAccountDirectory();
  const [params, update] = useViewParams();
  const zone = account.timezone;
  const page = Number(params.get('page') ?? '1') || 1;
  const deliveries = useQuery({
    queryKey: ['deliveries', account.accountId, webhookId, page],
    queryFn: ({ signal }) =>
      getJson<DeliveriesBody>(
        accountPath(account.accountId, `/webhooks/${encodeURIComponent(webhookId)}/deliveries`),
        { page, pageSize: PAGE_SIZE },
        signal,
      ),
    placeholderData: keepPreviousData,
    // Deliveries are tried in the background: follow them while any is pending.
    refetchInterval: (query) => (query.state.data?.deliveries.some((d) => d.status === 'pending') ? 1000 : 5000),
  });
  const columns: TableColumn<DeliveryView>[] = [
    { key: 'deliveryId', header: 'Delivery', cell: (d) => <code>{d.deliveryId}</code> },
    { key: 'event', header: 'Event' },
    {
      key: 'status',
      header: 'Status',
      cell: (d) => <span className={d.status === 'delivered' ? 'badge up' : d.status === 'pending' ? 'badge down' : 'badge'}>{d.status}</span>,
    },
    { key: 'createdAt', header: `Written (${zone})`, cell: (d) => formatInstant(d.createdAt, zone) },
    {
      key: 'deliveredAt',
      header: `Delivered (${zone})`,
      cell: (d) =>
        d.deliveredAt ? (
          formatInstant(d.deliveredAt, zone)
        ) : d.nextAttemptAt ? (
          <small className="muted">next try {formatInstant(d.nextAttemptAt, zone)}</small>
        ) : (
          '—'
        ),
    },
    {
      key: 'attempts',
      header: 'Attempts',
      cell: (d) =>
        d.attempts.length === 0 ? (
          <span className="muted">none yet</span>
        ) : (
          <table className="data compact" aria-label={`Attempts of ${d.deliveryId}`}>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">when ({zone})</th>
                <th scope="col">status code</th>
                <th scope="col">error</th>
                <th scope="col">ms</th>
              </tr>
            </thead>
            <tbody>
              {d.attempts.map((a) => (
                <tr key={a.attempt}>
                  <td>{a.attempt}</td>
                  <td>{formatInstant(a.startedAt, zone)}</td>
                  <td>{a.statusCode ?? '—'}</td>
                  <td>{a.error ?? '—'}</td>
                  <td className="num">{formatNumber(a.durationMs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ),
    },
  ];
  return (
    <section aria-labelledby="deliveries-title">
      <h2 id="deliveries-title">Deliveries to {webhookId}</h2>
      {deliveries.isPending && <Loading what="the deliveries" />}
      {deliveries.isError && <ProblemMessage error={deliveries.error} />}
      {deliveries.data && deliveries.data.total === 0 && (
        <Empty>Nothing delivered yet: a delivery is written for every alert raised or cleared after the webhook was registered.</Empty>
      )}
      {deliveries.data && deliveries.data.total > 0 && (
        <DataTable
          rows={deliveries.data.deliveries}
          columns={columns}
          sort=""
          onSort={() => undefined}
          page={deliveries.data.page}
          pageSize={deliveries.data.pageSize}
          total={deliveries.data.total}
          onPage={(p) => update({ page: p === 1 ? null : p })}
          caption={`Deliveries to ${webhookId}`}
          rowKey={(d) => d.deliveryId}
          testId="deliveries"
        />
      )}
    </section>
  );
}
