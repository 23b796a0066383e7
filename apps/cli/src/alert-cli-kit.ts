import type { AlertExplanation, AlertRulesBody, AlertsBody, AlertView, DeliveriesBody, WebhooksBody } from '../../../libs/contracts/src/index.js';
import { DomainError } from '../../../libs/domain/src/errors.js';
import type { CommandOutcome } from '../../../libs/ledger/src/command-gateway.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';

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
export function failed(prefix: string, error: unknown, out: Output): number {
  if (!(error instanceof DomainError)) throw error;
  out.stderr.write(`${prefix}: ${error.code}: ${error.message}\n`);
  for (const e of error.errors) out.stderr.write(`  ${FLAGS[e.path] ?? e.path}: ${e.message}\n`);
  return error.code === 'VALIDATION_FAILED' ? EXIT.INVALID_INPUT : EXIT.FAILURE;
}

/** A whole number given as a flag, or the text itself (the command's schema then names it). */
export function numberOrText(value: string | undefined): number | string | undefined {
  return value === undefined ? undefined : /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

export function printJson(out: Output, body: unknown): number {
  out.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  return EXIT.OK;
}

export const PAGING: readonly (readonly [string, string, string])[] = [
  ['--page <n>', 'page', 'page number, from 1'],
  ['--page-size <n>', 'pageSize', 'rows a page, at most 1000 (default 50)'],
];
