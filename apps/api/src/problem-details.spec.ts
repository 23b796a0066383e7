import { SecretKeyMissingError } from '../../../libs/webhooks/src/secret-key.js';
import { retryAfterOf, toProblem } from './problem-details.js';

describe('problem details of failures the operator must fix', () => {
  it('webhooks on PostgreSQL without LEDGER_SECRET_KEY: 503 WEBHOOKS_NOT_CONFIGURED saying how to set the key, not a hidden 500', () => {
    const problem = toProblem(new SecretKeyMissingError());
    expect({ status: problem.status, code: problem.code }).toEqual({ status: 503, code: 'WEBHOOKS_NOT_CONFIGURED' });
    expect(problem.detail).toMatch(/LEDGER_SECRET_KEY is not set.*openssl rand -base64 32/);
    expect(toProblem(new Error('boom')).code).toBe('INTERNAL_ERROR');
    expect(retryAfterOf(new SecretKeyMissingError(), problem.status)).toBe(5);
  });
});
