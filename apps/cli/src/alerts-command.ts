import { Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import type { AlertExplanation, AlertRulesBody, AlertsBody, AlertView, DeliveriesBody, WebhooksBody } from '../../../libs/contracts/src/index.js';
import { ALERT_KINDS } from '../../../libs/domain/src/alerts/alert-rules.js';
import { DomainError } from '../../../libs/domain/src/errors.js';
import type { CommandOutcome } from '../../../libs/ledger/src/command-gateway.js';
import { answer, formatOption, optionValues, requiredOption } from './command-kit.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';
import { textTable } from './text-table.js';

/** What `ledger alerts` and `ledger webhooks` work with once the ledger is open: the Nest-free seam they are tested through. */
export interface AlertPorts {
  /** Validates a raw command (as an NDJSON line would carry it) and sends it, as the CLI actor. */
  send(command: Record<string, unknown>): Promise<CommandOutcome>;
  rules(accountId: string): Promise<AlertRulesBody>;
  alerts(accountId: string, parameters: Record<string, string>): Promise<AlertsBody>;
  alert(accountId: string, alertId: string): Promise<AlertView>;
  explain(accountId: string, alertId: string): Promise<AlertExplanation>;
  webhooks(accountId: string): Promise<WebhooksBody>;
  deliveries(accountId: string, webhookId: string, parameters: Record<string, string>): Promise<DeliveriesBody>;
}

/** Where `webhooks register` reads the secret from: a file, or stdin for `-` (never the command line, which others can read). */
export type SecretReader = (path: string) => Promise<string>;

const readSecretFile: SecretReader = async (path) => (path === '-' ? readStdin() : readFile(path, 'utf8'));

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** CLI flag of each field, for error messages. */
const FLAGS: Readonly<Record<string, string>> = {
  accountId: '--account',
  ruleId: '--rule',
  kind: '--kind',
  product: '--product',
  scope: '--scope',
  threshold: '--threshold',
  windowSeconds: '--window-seconds',
  at: '--at',
  webhookId: '--webhook',
  url: '--url',
  secret: '--secret-file',
  status: '--status',
  page: '--page',
  pageSize: '--page-size',
};

/** `CODE: message` and a line per bad field, by flag; exit 2 for bad input, else 1. */
function failed(prefix: string, error: unknown, out: Output): number {
  if (!(error instanceof DomainError)) throw error;
  out.stderr.write(`${prefix}: ${error.code}: ${error.message}\n`);
  for (const e of error.errors) out.stderr.write(`  ${FLAGS[e.path] ?? e.path}: ${e.message}\n`);
  return error.code === 'VALIDATION_FAILED' ? EXIT.INVALID_INPUT : EXIT.FAILURE;
}

/** A whole number given as a flag, or the text itself (the command's schema then names it). */
function numberOrText(value: string | undefined): number | string | undefined {
  return value === undefined ? undefined : /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

function printJson(out: Output, body: unknown): number {
  out.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  return EXIT.OK;
}

const PAGING: readonly (readonly [string, string, string])[] = [
  ['--page <n>', 'page', 'page number, from 1'],
  ['--page-size <n>', 'pageSize', 'rows a page, at most 1000 (default 50)'],
];

/** `ledger alerts list|show|explain|rules|create-rule|remove-rule`. */
export function alertsCommand(out: Output, open: <T>(work: (ports: AlertPorts) => Promise<T>) => Promise<T>): Command {
  const alerts = new Command('alerts')
    .summary('alert rules and the alerts they raise (SPEC §9)')
    .description('Alert rules are commands like any other; the alerts they raise and clear are folded from the log by the alert processor.');

  const listOptions: readonly (readonly [string, string, string])[] = [
    ['--status <status>', 'status', 'open or cleared'],
    ['--rule <id>', 'ruleId', "one rule's alerts"],
    ['--kind <kind>', 'kind', ALERT_KINDS.join(', ')],
    ['--product <code>', 'product', 'one product'],
    ...PAGING,
  ];
  const list = alerts
    .command('list')
    .description('Alerts, newest first, open and past, with their evidence (GET …/alerts).')
    .addOption(requiredOption('--account <id>', 'the account'))
    .addOption(formatOption(['json', 'table'], 'json: the HTTP body; table: for reading on a terminal'));
  for (const [flag, , meaning] of listOptions) list.option(flag, meaning);
  answer(list, async (self) => {
    const { account, format } = self.opts<{ account: string; format: 'json' | 'table' }>();
    try {
      const body = await open((ports) => ports.alerts(account, optionValues(self, listOptions)));
      if (format === 'json') return printJson(out, body);
      out.stdout.write(
        `alerts · ${body.accountId} · ${body.alerts.length} of ${body.total} (page ${body.page}) · as of position ${body.asOfPosition ?? '-'}\n\n`,
      );
      out.stdout.write(
        body.alerts.length === 0
          ? '(no alerts)\n'
          : textTable(
              ['ALERT', 'RULE', 'KIND', 'PRODUCT', 'SCOPE', 'STATUS', 'RAISED', 'VALUE', 'CLEARED'],
              body.alerts.map((a) => [
                a.alertId,
                a.ruleId,
                a.kind,
                a.product,
                a.scope,
                a.status,
                a.raisedAt,
                a.value === null ? '-' : String(a.value),
                a.clearedAt ?? '-',
              ]),
            ),
      );
      return EXIT.OK;
    } catch (error) {
      return failed('ledger alerts list', error, out);
    }
  });

  answer(
    alerts
      .command('show')
      .description('One alert (GET …/alerts/ALERT).')
      .argument('<ALERT>', 'the alert id')
      .addOption(requiredOption('--account <id>', 'the account')),
    async (self) => {
      const { account } = self.opts<{ account: string }>();
      try {
        return printJson(out, await open((ports) => ports.alert(account, self.processedArgs[0] as string)));
      } catch (error) {
        return failed('ledger alerts show', error, out);
      }
    },
  );

  answer(
    alerts
      .command('explain')
      .description('The events behind an alert, like a report figure (GET …/alerts/ALERT/explain).')
      .argument('<ALERT>', 'the alert id')
      .addOption(requiredOption('--account <id>', 'the account')),
    async (self) => {
      const { account } = self.opts<{ account: string }>();
      try {
        return printJson(out, await open((ports) => ports.explain(account, self.processedArgs[0] as string)));
      } catch (error) {
        return failed('ledger alerts explain', error, out);
      }
    },
  );

  answer(
    alerts
      .command('rules')
      .description('The alert rules, removed ones included (GET …/alert-rules).')
      .addOption(requiredOption('--account <id>', 'the account'))
      .addOption(formatOption(['json', 'table'], 'json: the HTTP body; table: for reading on a terminal')),
    async (self) => {
      const { account, format } = self.opts<{ account: string; format: 'json' | 'table' }>();
      try {
        const body = await open((ports) => ports.rules(account));
        if (format === 'json') return printJson(out, body);
        out.stdout.write(
          body.rules.length === 0
            ? '(no rules)\n'
            : textTable(
                ['RULE', 'KIND', 'PRODUCT', 'SCOPE', 'THRESHOLD', 'WINDOW S', 'CREATED', 'REMOVED'],
                body.rules.map((r) => [
                  r.ruleId,
                  r.kind,
                  r.product,
                  r.scope,
                  String(r.threshold),
                  String(r.windowSeconds),
                  r.createdAt,
                  r.removedAt ?? '-',
                ]),
              ),
        );
        return EXIT.OK;
      } catch (error) {
        return failed('ledger alerts rules', error, out);
      }
    },
  );

  answer(
    alerts
      .command('create-rule')
      .description('Send CreateAlertRule.')
      .addOption(requiredOption('--account <id>', 'the account'))
      .addOption(requiredOption('--rule <id>', 'the rule id'))
      .addOption(requiredOption('--kind <kind>', 'what to watch').choices(ALERT_KINDS))
      .addOption(requiredOption('--product <code>', 'the product, e.g. KRE'))
      .option('--scope <scope>', "'account' or an orgId", 'account')
      .option('--threshold <n>', 'usage-threshold: % of the pool; denials: attempts; expiring: days ahead')
      .option('--window-seconds <n>', 'usage-threshold, over-allocated: hold time; denials: the sliding window')
      .option('--at <instant>', 'business time of the command (default: now)'),
    async (self) => {
      const o = self.opts<{
        account: string;
        rule: string;
        kind: string;
        product: string;
        scope: string;
        threshold?: string;
        windowSeconds?: string;
        at?: string;
      }>();
      try {
        const outcome = await open((ports) =>
          ports.send({
            type: 'CreateAlertRule',
            accountId: o.account,
            ruleId: o.rule,
            kind: o.kind,
            product: o.product,
            scope: o.scope,
            threshold: numberOrText(o.threshold),
            windowSeconds: numberOrText(o.windowSeconds),
            at: o.at,
          }),
        );
        return printJson(out, outcome);
      } catch (error) {
        return failed('ledger alerts create-rule', error, out);
      }
    },
  );

  answer(
    alerts
      .command('remove-rule')
      .description('Send RemoveAlertRule (its open alerts are cleared).')
      .argument('<RULE>', 'the rule id')
      .addOption(requiredOption('--account <id>', 'the account'))
      .option('--at <instant>', 'business time of the command (default: now)'),
    async (self) => {
      const { account, at } = self.opts<{ account: string; at?: string }>();
      try {
        return printJson(out, await open((ports) => ports.send({ type: 'RemoveAlertRule', accountId: account, ruleId: self.processedArgs[0], at })));
      } catch (error) {
        return failed('ledger alerts remove-rule', error, out);
      }
    },
  );
  return alerts;
}

/** `ledger webhooks list|register|remove|deliveries`. */
export function webhooksCommand(
  out: Output,
  open: <T>(work: (ports: AlertPorts) => Promise<T>) => Promise<T>,
  readSecret: SecretReader = readSecretFile,
): Command {
  const webhooks = new Command('webhooks')
    .summary('webhooks that alerts are POSTed to, and their deliveries (SPEC §9)')
    .description('Every alert raised or cleared is POSTed to each webhook of the account, signed with its secret (docs/webhooks.md).');

  answer(
    webhooks
      .command('list')
      .description('The webhooks: id, url, secret fingerprint (never the secret).')
      .addOption(requiredOption('--account <id>', 'the account')),
    async (self) => {
      const { account } = self.opts<{ account: string }>();
      try {
        return printJson(out, await open((ports) => ports.webhooks(account)));
      } catch (error) {
        return failed('ledger webhooks list', error, out);
      }
    },
  );

  answer(
    webhooks
      .command('register')
      .description('Send RegisterWebhook. The secret is read from a file (or stdin), stored encrypted, never shown again.')
      .addOption(requiredOption('--account <id>', 'the account'))
      .addOption(requiredOption('--webhook <id>', 'the webhook id'))
      .addOption(requiredOption('--url <url>', 'where to POST: https:// (http:// with WEBHOOK_ALLOW_HTTP=1)'))
      .addOption(requiredOption('--secret-file <path>', 'a file holding the secret (- for stdin)'))
      .option('--at <instant>', 'business time of the command (default: now)'),
    async (self) => {
      const o = self.opts<{ account: string; webhook: string; url: string; secretFile: string; at?: string }>();
      try {
        const secret = (await readSecret(o.secretFile)).replace(/\r?\n$/, '');
        const outcome = await open((ports) =>
          ports.send({ type: 'RegisterWebhook', accountId: o.account, webhookId: o.webhook, url: o.url, secret, at: o.at }),
        );
        return printJson(out, outcome);
      } catch (error) {
        return failed('ledger webhooks register', error, out);
      }
    },
  );

  answer(
    webhooks
      .command('remove')
      .description('Send RemoveWebhook (its pending deliveries are cancelled).')
      .argument('<WEBHOOK>', 'the webhook id')
      .addOption(requiredOption('--account <id>', 'the account'))
      .option('--at <instant>', 'business time of the command (default: now)'),
    async (self) => {
      const { account, at } = self.opts<{ account: string; at?: string }>();
      try {
        return printJson(out, await open((ports) => ports.send({ type: 'RemoveWebhook', accountId: account, webhookId: self.processedArgs[0], at })));
      } catch (error) {
        return failed('ledger webhooks remove', error, out);
      }
    },
  );

  const deliveryOptions: readonly (readonly [string, string, string])[] = [
    ['--status <status>', 'status', 'pending, delivered, failed or cancelled'],
    ...PAGING,
  ];
  const deliveries = webhooks
    .command('deliveries')
    .description("A webhook's deliveries, newest first, each with its attempts.")
    .argument('<WEBHOOK>', 'the webhook id')
    .addOption(requiredOption('--account <id>', 'the account'))
    .addOption(formatOption(['json', 'table'], 'json: the HTTP body; table: one line per attempt'));
  for (const [flag, , meaning] of deliveryOptions) deliveries.addOption(new Option(flag, meaning));
  answer(deliveries, async (self) => {
    const { account, format } = self.opts<{ account: string; format: 'json' | 'table' }>();
    try {
      const body = await open((ports) => ports.deliveries(account, self.processedArgs[0] as string, optionValues(self, deliveryOptions)));
      if (format === 'json') return printJson(out, body);
      const rows = body.deliveries.flatMap((d) =>
        d.attempts.length === 0
          ? [[d.deliveryId, d.status, '-', '-', '-', '-']]
          : d.attempts.map((a) => [
              d.deliveryId,
              d.status,
              String(a.attempt),
              a.startedAt,
              a.statusCode === null ? '-' : String(a.statusCode),
              a.error ?? '-',
            ]),
      );
      out.stdout.write(rows.length === 0 ? '(no deliveries)\n' : textTable(['DELIVERY', 'STATUS', 'ATTEMPT', 'AT', 'HTTP', 'ERROR'], rows));
      return EXIT.OK;
    } catch (error) {
      return failed('ledger webhooks deliveries', error, out);
    }
  });
  return webhooks;
}
