import { Allow } from 'class-validator';
import type { CommandType } from '../../../domain/src/commands.js';
import { ALERT_KINDS } from '../../../domain/src/alerts/alert-rules.js';
import { OFFLINE_PRODUCTS, SEAT_PRODUCTS, SESSION_PRODUCTS } from '../../../domain/src/products.js';
import { Field, InstantField, action, email, finiteNumber, id, integer, name, oneOf, productOf, secret, timezone, url } from './field-rules.js';

/**
 * The command schema of SPEC §3, one DTO per command a client may send. HTTP and NDJSON import
 * both go through these (see `parseCommand`). Fields not declared here are rejected.
 */
abstract class CommandDto {
  /** Checked by `parseCommand` before the DTO is chosen. */
  @Allow() type!: string;
  @Field(id) accountId!: string;
  @InstantField('optional') at?: string;
  @Field(id, 'optional') commandId?: string;
}

const seatProduct = productOf(SEAT_PRODUCTS, 'seat products');
const sessionOrSeatProduct = productOf([...SEAT_PRODUCTS, ...SESSION_PRODUCTS], 'seat and session products');
const offlineProduct = productOf(OFFLINE_PRODUCTS, 'products with offline licenses');
const anyProduct = productOf();

export class OpenAccountDto extends CommandDto {
  @Field(name) name!: string;
  @Field(timezone, 'optional') timezone = 'UTC';
}

export class ChangeAccountTimezoneDto extends CommandDto {
  @Field(timezone) timezone!: string;
}

export class CreateOrganizationDto extends CommandDto {
  @Field(id) orgId!: string;
  @Field(name) name!: string;
  @Field(id, 'nullable') parentOrgId?: string | null;
}

export class RegisterUserDto extends CommandDto {
  @Field(id) userId!: string;
  @Field(email) email!: string;
  @Field(name) fullName!: string;
  @Field(id) orgId!: string;
}

export class MoveUserDto extends CommandDto {
  @Field(id) userId!: string;
  @Field(id) orgId!: string;
}

export class CreateProjectDto extends CommandDto {
  @Field(id) projectId!: string;
  @Field(name) name!: string;
  @Field(id) orgId!: string;
}

export class AddUserToProjectDto extends CommandDto {
  @Field(id) projectId!: string;
  @Field(id) userId!: string;
}

export class PurchaseLicensesDto extends CommandDto {
  @Field(id) purchaseId!: string;
  @Field(anyProduct) product!: string;
  @Field(integer(1)) quantity!: number;
  @InstantField() startsAt!: string;
  @InstantField() expiresAt!: string;
  @Field(integer(0), 'nullable') machineQuota?: number | null;
}

export class AmendPurchaseDto extends CommandDto {
  @Field(id) purchaseId!: string;
  @Field(integer(1), 'optional') quantity?: number;
  @InstantField('optional') expiresAt?: string;
  @Field(integer(0), 'nullable') machineQuota?: number | null;
}

export class DedicateLicensesDto extends CommandDto {
  @Field(anyProduct) product!: string;
  @Field(id) orgId!: string;
  @Field(integer(0)) quantity!: number;
}

export class AssignSeatDto extends CommandDto {
  @Field(seatProduct) product!: string;
  @Field(id) userId!: string;
}

export class UnassignSeatDto extends CommandDto {
  @Field(seatProduct) product!: string;
  @Field(id) userId!: string;
}

export class RecordLoginDto extends CommandDto {
  @Field(anyProduct) product!: string;
  @Field(id) userId!: string;
  @Field(id, 'optional') machineId?: string;
}

export class RecordActivityDto extends CommandDto {
  @Field(anyProduct) product!: string;
  @Field(id) userId!: string;
  @Field(action) action!: string;
}

export class StartSessionDto extends CommandDto {
  @Field(sessionOrSeatProduct) product!: string;
  @Field(id) sessionId!: string;
  @Field(id) userId!: string;
  @Field(id) machineId!: string;
  @Field(oneOf(['online', 'offline']), 'optional') licenseType?: string;
}

export class HeartbeatSessionDto extends CommandDto {
  @Field(id) sessionId!: string;
}

export class EndSessionDto extends CommandDto {
  @Field(id) sessionId!: string;
}

export class GenerateOfflineLicenseDto extends CommandDto {
  @Field(offlineProduct) product!: string;
  @Field(id) userId!: string;
  @Field(id) machineId!: string;
  @InstantField('optional') expiresAt?: string;
}

export class RevokeOfflineLicenseDto extends CommandDto {
  @Field(offlineProduct) product!: string;
  @Field(id) machineId!: string;
}

export class RegisterMachineDto extends CommandDto {
  @Field(anyProduct) product!: string;
  @Field(id) machineId!: string;
  @Field(id) userId!: string;
}

export class DeactivateMachineDto extends CommandDto {
  @Field(anyProduct) product!: string;
  @Field(id) machineId!: string;
  @Field(id) userId!: string;
}

export class ActivateApplicationDto extends CommandDto {
  @Field(id) applicationId!: string;
}

export class ReleaseApplicationDto extends CommandDto {
  @Field(id) applicationId!: string;
}

export class CreateAlertRuleDto extends CommandDto {
  @Field(id) ruleId!: string;
  @Field(oneOf(ALERT_KINDS)) kind!: string;
  @Field(anyProduct) product!: string;
  /** 'account' or an orgId. */
  @Field(id) scope!: string;
  @Field(finiteNumber, 'optional') threshold?: number;
  @Field(integer(0), 'optional') windowSeconds?: number;
}

export class RemoveAlertRuleDto extends CommandDto {
  @Field(id) ruleId!: string;
}

export class RegisterWebhookDto extends CommandDto {
  @Field(id) webhookId!: string;
  @Field(url) url!: string;
  @Field(secret) secret!: string;
}

export class RemoveWebhookDto extends CommandDto {
  @Field(id) webhookId!: string;
}

/** `ExpireSessions` is the reaper's own command: clients cannot send it. */
export type ClientCommandType = Exclude<CommandType, 'ExpireSessions'>;

export const COMMAND_DTOS: Readonly<Record<ClientCommandType, new () => CommandDto>> = {
  OpenAccount: OpenAccountDto,
  ChangeAccountTimezone: ChangeAccountTimezoneDto,
  CreateOrganization: CreateOrganizationDto,
  RegisterUser: RegisterUserDto,
  MoveUser: MoveUserDto,
  CreateProject: CreateProjectDto,
  AddUserToProject: AddUserToProjectDto,
  PurchaseLicenses: PurchaseLicensesDto,
  AmendPurchase: AmendPurchaseDto,
  DedicateLicenses: DedicateLicensesDto,
  AssignSeat: AssignSeatDto,
  UnassignSeat: UnassignSeatDto,
  RecordLogin: RecordLoginDto,
  RecordActivity: RecordActivityDto,
  StartSession: StartSessionDto,
  HeartbeatSession: HeartbeatSessionDto,
  EndSession: EndSessionDto,
  GenerateOfflineLicense: GenerateOfflineLicenseDto,
  RevokeOfflineLicense: RevokeOfflineLicenseDto,
  RegisterMachine: RegisterMachineDto,
  DeactivateMachine: DeactivateMachineDto,
  ActivateApplication: ActivateApplicationDto,
  ReleaseApplication: ReleaseApplicationDto,
  CreateAlertRule: CreateAlertRuleDto,
  RemoveAlertRule: RemoveAlertRuleDto,
  RegisterWebhook: RegisterWebhookDto,
  RemoveWebhook: RemoveWebhookDto,
};

export const CLIENT_COMMAND_TYPES = Object.keys(COMMAND_DTOS) as ClientCommandType[];

export function isClientCommandType(value: unknown): value is ClientCommandType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(COMMAND_DTOS, value);
}
