import { cmd, given } from '../testing/decider-spec.js';

/** SPEC §9: CreateAlertRule / RemoveAlertRule / RegisterWebhook / RemoveWebhook, decided like every other command. */

const account = [
  cmd('OpenAccount', '2026-03-01T00:00:00Z', { name: 'Acme', timezone: 'UTC' }),
  cmd('CreateOrganization', '2026-03-01T00:01:00Z', { orgId: 'qa', name: 'QA' }),
];
const AT = '2026-03-02T10:00:00Z';
const rule = (
  fields: Partial<{
    ruleId: string;
    kind: 'usage-threshold' | 'denials' | 'over-allocated' | 'expiring';
    product: 'KRE' | 'KSE' | 'TRUETEST';
    scope: string;
    threshold: number;
    windowSeconds: number;
  }> = {},
) => cmd('CreateAlertRule', AT, { ruleId: 'r1', kind: 'usage-threshold', product: 'KRE', scope: 'account', threshold: 80, ...fields });
const hook = (fields: Partial<{ webhookId: string; url: string }> = {}) =>
  cmd('RegisterWebhook', AT, { webhookId: 'w1', url: 'https://hooks.example.com/ledger', secretFingerprint: 'hmac-sha256:00ff', ...fields });

describe('CreateAlertRule', () => {
  it('records AlertRuleCreated with the window defaulted to 0 where it is optional', () => {
    given(account)
      .when(rule({ scope: 'qa' }))
      .then([
        {
          type: 'AlertRuleCreated',
          data: { ruleId: 'r1', kind: 'usage-threshold', product: 'KRE', scope: 'qa', threshold: 80, windowSeconds: 0 },
        },
      ]);
    given(account)
      .when(rule({ kind: 'denials', threshold: 3, windowSeconds: 600 }))
      .then([
        {
          type: 'AlertRuleCreated',
          data: { ruleId: 'r1', kind: 'denials', product: 'KRE', scope: 'account', threshold: 3, windowSeconds: 600 },
        },
      ]);
    given(account)
      .when(cmd('CreateAlertRule', AT, { ruleId: 'r1', kind: 'over-allocated', product: 'KSE', scope: 'account' }))
      .then([
        {
          type: 'AlertRuleCreated',
          data: { ruleId: 'r1', kind: 'over-allocated', product: 'KSE', scope: 'account', threshold: 0, windowSeconds: 0 },
        },
      ]);
    given(account)
      .when(rule({ kind: 'expiring', product: 'KSE', threshold: 30 }))
      .then([
        {
          type: 'AlertRuleCreated',
          data: { ruleId: 'r1', kind: 'expiring', product: 'KSE', scope: 'account', threshold: 30, windowSeconds: 0 },
        },
      ]);
  });

  it('refuses a duplicate ruleId (ALREADY_EXISTS); a removed rule’s id may be used again', () => {
    expect(
      given(account, rule())
        .when(rule({ threshold: 90 }))
        .thenRejects('ALREADY_EXISTS').errors,
    ).toEqual([{ path: 'ruleId', message: 'already exists' }]);
    given(account, rule(), cmd('RemoveAlertRule', AT, { ruleId: 'r1' }))
      .when(rule({ threshold: 90 }))
      .thenAccepted();
  });

  it.each([
    ['an unknown organization as scope', rule({ scope: 'nowhere' }), 'scope'],
    ['a usage threshold of 0 %', rule({ threshold: 0 }), 'threshold'],
    ['a usage threshold over 100 %', rule({ threshold: 150 }), 'threshold'],
    [
      'a usage rule without threshold',
      cmd('CreateAlertRule', AT, { ruleId: 'r1', kind: 'usage-threshold', product: 'KRE', scope: 'account' }),
      'threshold',
    ],
    ['a negative hold time', rule({ windowSeconds: -5 }), 'windowSeconds'],
    ['a window over 31 days', rule({ windowSeconds: 32 * 86_400 }), 'windowSeconds'],
    ['denials without a window', rule({ kind: 'denials', threshold: 3 }), 'windowSeconds'],
    ['denials of a fraction of an attempt', rule({ kind: 'denials', threshold: 2.5, windowSeconds: 60 }), 'threshold'],
    [
      'denials of a seat product (nothing is denied for capacity there)',
      rule({ kind: 'denials', product: 'KSE', threshold: 1, windowSeconds: 60 }),
      'product',
    ],
    ['expiring in 0 days', rule({ kind: 'expiring', threshold: 0 }), 'threshold'],
    ['expiring with a window', rule({ kind: 'expiring', threshold: 30, windowSeconds: 60 }), 'windowSeconds'],
    ['over-allocated with a negative threshold', rule({ kind: 'over-allocated', threshold: -1 }), 'threshold'],
  ])('refuses %s: VALIDATION_FAILED naming the field', (_what, command, path) => {
    const error = given(account).when(command).thenRejects('VALIDATION_FAILED');
    expect(error.errors.map((e) => e.path)).toEqual([path]);
    expect(error.message).toContain(path);
  });

  it('needs an opened account (NOT_FOUND)', () => {
    given().when(rule()).thenRejects('NOT_FOUND');
  });
});

describe('RemoveAlertRule', () => {
  it('records AlertRuleRemoved; an unknown or removed rule is NOT_FOUND', () => {
    given(account, rule())
      .when(cmd('RemoveAlertRule', AT, { ruleId: 'r1' }))
      .then([{ type: 'AlertRuleRemoved', data: { ruleId: 'r1' } }]);
    given(account)
      .when(cmd('RemoveAlertRule', AT, { ruleId: 'r1' }))
      .thenRejects('NOT_FOUND');
    given(account, rule(), cmd('RemoveAlertRule', AT, { ruleId: 'r1' }))
      .when(cmd('RemoveAlertRule', AT, { ruleId: 'r1' }))
      .thenRejects('NOT_FOUND');
  });
});

describe('RegisterWebhook / RemoveWebhook', () => {
  it('records the id, URL and secret fingerprint (the secret never reaches the decider)', () => {
    given(account)
      .when(hook())
      .then([
        {
          type: 'WebhookRegistered',
          data: { webhookId: 'w1', url: 'https://hooks.example.com/ledger', secretFingerprint: 'hmac-sha256:00ff' },
        },
      ]);
  });

  it('refuses a duplicate webhookId (ALREADY_EXISTS) and URLs that are not plain http(s) (VALIDATION_FAILED url)', () => {
    given(account, hook())
      .when(hook({ url: 'https://other.example.com/' }))
      .thenRejects('ALREADY_EXISTS');
    for (const url of ['ftp://hooks.example.com/x', 'not a url', 'https://user:pw@hooks.example.com/', 'https://hooks.example.com/#x']) {
      expect(
        given(account)
          .when(hook({ url }))
          .thenRejects('VALIDATION_FAILED')
          .errors.map((e) => e.path),
      ).toEqual(['url']);
    }
  });

  it('records WebhookRemoved; an unknown webhook is NOT_FOUND; a removed id may be registered again', () => {
    given(account, hook())
      .when(cmd('RemoveWebhook', AT, { webhookId: 'w1' }))
      .then([{ type: 'WebhookRemoved', data: { webhookId: 'w1' } }]);
    given(account)
      .when(cmd('RemoveWebhook', AT, { webhookId: 'w1' }))
      .thenRejects('NOT_FOUND');
    given(account, hook(), cmd('RemoveWebhook', AT, { webhookId: 'w1' }))
      .when(hook())
      .thenAccepted();
  });
});
