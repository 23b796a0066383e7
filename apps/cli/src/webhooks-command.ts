import { Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { failed, PAGING, printJson, type AlertPorts } from './alert-cli-kit.js';
import { answer, formatOption, optionValues, requiredOption } from './command-kit.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';
import { textTable } from './text-table.js';

/** Where `webhooks register` reads the secret from: a file, or stdin for `-` (never the command line, which others can read). */
export type SecretReader = (path: string) => Promise<string>;

const readSecretFile: SecretReader = async (path) => (path === '-' ? readStdin() : readFile(path, 'utf8'));

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
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
