import type * as C from '../commands.js';
import { normaliseAlertRule, requireAlertScope, requireWebhookUrl } from '../alerts/alert-rules.js';
import { event } from '../events.js';
import { type AccountAtCommand, type Decision, ok, exists, notFound } from './account-at-command.js';

/** Alert rules and webhooks (SPEC §9). One function per command; each throws DomainError to reject. */

export function createAlertRule(account: AccountAtCommand, c: C.CreateAlertRule): Decision {
  if (account.state.alertRules.has(c.ruleId)) throw exists('ruleId', `alert rule '${c.ruleId}'`);
  const rule = normaliseAlertRule(c);
  requireAlertScope(rule.scope, (orgId) => account.state.orgs.has(orgId));
  return ok(event('AlertRuleCreated', { ...rule }, account.atIso));
}

export function removeAlertRule(account: AccountAtCommand, c: C.RemoveAlertRule): Decision {
  if (!account.state.alertRules.has(c.ruleId)) throw notFound('ruleId', `alert rule '${c.ruleId}'`);
  return ok(event('AlertRuleRemoved', { ruleId: c.ruleId }, account.atIso));
}

export function registerWebhook(account: AccountAtCommand, c: C.RegisterWebhook): Decision {
  if (account.state.webhooks.has(c.webhookId)) throw exists('webhookId', `webhook '${c.webhookId}'`);
  requireWebhookUrl(c.url);
  return ok(event('WebhookRegistered', { webhookId: c.webhookId, url: c.url, secretFingerprint: c.secretFingerprint }, account.atIso));
}

export function removeWebhook(account: AccountAtCommand, c: C.RemoveWebhook): Decision {
  if (!account.state.webhooks.has(c.webhookId)) throw notFound('webhookId', `webhook '${c.webhookId}'`);
  return ok(event('WebhookRemoved', { webhookId: c.webhookId }, account.atIso));
}
