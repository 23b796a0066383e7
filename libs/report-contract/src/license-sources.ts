import { DomainError } from '../../domain/src/errors.js';
import type { OrgTree } from '../../../projections/shared/directory-tables.js';

/** Display name of the account as a license source. */
export const ACCOUNT_SOURCE_NAME = 'Account';

/** The license-source filter: 'account' (any case), an org id, or an org name (any case). */
export function licenseSources(value: string, tree: OrgTree): string[] {
  if (value.toLowerCase() === 'account') return ['account'];
  const all: string[] = [];
  for (const top of tree.children(null)) all.push(...tree.subtree(top));
  if (all.includes(value)) return [value];
  const byName = all.filter((orgId) => tree.name(orgId).toLowerCase() === value.toLowerCase());
  if (byName.length > 0) return byName;
  throw new DomainError('VALIDATION_FAILED', `licenseSource: '${value}' is neither 'Account' nor an organization of the account`, [
    { path: 'licenseSource', message: `'${value}' is neither 'Account' nor an organization id or name` },
  ]);
}
