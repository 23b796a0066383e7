import { IANAZone } from 'luxon';
import type * as C from '../commands.js';
import { DomainError, validationError } from '../errors.js';
import { event } from '../events.js';
import { sourceOfOrg } from '../pools.js';
import { type AccountAtCommand, type Decision, ok, exists, notFound, scopeName } from './account-at-command.js';

/** Account and directory: the account, its time zone, organizations, users and projects (SPEC §3). One function per command; each throws DomainError to reject. */

export function openAccount(account: AccountAtCommand, c: C.OpenAccount): Decision {
  if (account.state.opened)
    throw new DomainError('ALREADY_EXISTS', `account '${c.accountId}' already exists`, [{ path: 'accountId', message: 'already exists' }]);
  requireZone(c.timezone);
  return ok(event('AccountOpened', { accountId: c.accountId, name: c.name, timezone: c.timezone }, account.atIso));
}

export function changeTimezone(account: AccountAtCommand, c: C.ChangeAccountTimezone): Decision {
  requireZone(c.timezone);
  return ok(event('AccountTimezoneChanged', { timezone: c.timezone, previousTimezone: account.state.timezone }, account.atIso));
}

export function createOrganization(account: AccountAtCommand, c: C.CreateOrganization): Decision {
  if (account.state.orgs.has(c.orgId)) throw exists('orgId', `organization '${c.orgId}'`);
  const parentOrgId = c.parentOrgId ?? null;
  if (parentOrgId !== null) account.requireOrg(parentOrgId, 'parentOrgId');
  return ok(event('OrganizationCreated', { orgId: c.orgId, name: c.name, parentOrgId }, account.atIso));
}

export function registerUser(account: AccountAtCommand, c: C.RegisterUser): Decision {
  if (account.state.users.has(c.userId)) throw exists('userId', `user '${c.userId}'`);
  if (account.state.emails.has(c.email.toLowerCase())) throw exists('email', `a user with email '${c.email}'`);
  account.requireOrg(c.orgId, 'orgId');
  return ok(event('UserRegistered', { userId: c.userId, email: c.email, fullName: c.fullName, orgId: c.orgId }, account.atIso));
}

export function moveUser(account: AccountAtCommand, c: C.MoveUser): Decision {
  const user = account.requireUser(c.userId);
  account.requireOrg(c.orgId, 'orgId');
  if (user.orgId === c.orgId) throw validationError('orgId', `user '${c.userId}' is already in organization '${c.orgId}'`);
  for (const [product, ps] of account.state.products) {
    if (!account.holdsUnits(product, c.userId)) continue;
    const from = sourceOfOrg(account.state, ps.dedications, user.orgId);
    const to = sourceOfOrg(account.state, ps.dedications, c.orgId);
    if (from !== to) {
      throw new DomainError(
        'UNITS_HELD',
        `user '${c.userId}' holds ${product} licenses drawn from ${scopeName(from)}; moving to '${c.orgId}' would draw them from ${scopeName(to)}. Release them first`,
        [{ path: 'orgId', message: 'would change the license source of units the user holds' }],
      );
    }
  }
  return ok(event('UserMoved', { userId: c.userId, fromOrgId: user.orgId, orgId: c.orgId }, account.atIso));
}

export function createProject(account: AccountAtCommand, c: C.CreateProject): Decision {
  if (account.state.projects.has(c.projectId)) throw exists('projectId', `project '${c.projectId}'`);
  account.requireOrg(c.orgId, 'orgId');
  return ok(event('ProjectCreated', { projectId: c.projectId, name: c.name, orgId: c.orgId }, account.atIso));
}

export function addUserToProject(account: AccountAtCommand, c: C.AddUserToProject): Decision {
  const project = account.state.projects.get(c.projectId);
  if (!project) throw notFound('projectId', `project '${c.projectId}'`);
  account.requireUser(c.userId);
  if (project.members.has(c.userId)) throw exists('userId', `user '${c.userId}' in project '${c.projectId}'`);
  return ok(event('UserAddedToProject', { projectId: c.projectId, userId: c.userId }, account.atIso));
}

function requireZone(timezone: string): void {
  if (!IANAZone.isValidZone(timezone)) throw validationError('timezone', `'${timezone}' is not an IANA time zone (e.g. America/New_York)`);
}
