import { Command } from 'commander';
import { ALERT_KINDS } from '../../../libs/domain/src/alerts/alert-rules.js';
import { failed, numberOrText, PAGING, printJson, type AlertPorts } from './alert-cli-kit.js';
import { answer, formatOption, optionValues, requiredOption } from './command-kit.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';
import { textTable } from './text-table.js';

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
