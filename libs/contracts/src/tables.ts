/** Table report bodies (SPEC §6): instants as ISO strings in UTC. */

export interface TableBody<Row = Readonly<Record<string, unknown>>> {
  readonly report: string;
  readonly accountId: string;
  readonly product: string | null;
  /** Rows matching the filters, over every page. */
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  readonly asOfPosition: string | null;
  readonly timezone?: string;
  readonly rows: readonly Row[];
}

/** `assignments` (SPEC §4.2): one row per current seat. */
export type AssignmentRow = {
  readonly userId: string;
  readonly user: string;
  readonly email: string;
  /** The org's name, or "Account". */
  readonly licenseSource: string;
  /** Path from the top-level org, "Quality / Automation". */
  readonly organization: string;
  readonly projects: readonly string[];
  readonly lastAssignment: string;
  readonly lastActiveUse: string | null;
  readonly activated: boolean;
};

export type SessionStatus = 'active' | 'ended' | 'expired';

/** `sessions` (SPEC §4.4): one row per started session. */
export type SessionRow = {
  readonly sessionId: string;
  readonly userId: string;
  readonly user: string;
  readonly email: string;
  readonly machineId: string;
  readonly licenseSource: string;
  readonly organization: string;
  readonly licenseType: string;
  readonly started: string;
  /** Null while the session is open. */
  readonly ended: string | null;
  /** To `ended`, or to now while open. */
  readonly durationSeconds: number;
  readonly status: SessionStatus;
};

/** `idle-seats` (SPEC §8.2): one row per current seat. */
export type IdleSeatRow = {
  readonly userId: string;
  readonly user: string;
  readonly email: string;
  readonly organization: string;
  readonly licenseSource: string;
  readonly assignedAt: string;
  readonly activated: boolean;
  readonly lastActiveUse: string | null;
  readonly idleDays: number;
};

/** Every table report and its row. */
export type TableReports = {
  readonly assignments: AssignmentRow;
  readonly sessions: SessionRow;
  readonly 'idle-seats': IdleSeatRow;
};
export type TableReportName = keyof TableReports;
export type TableBodyOf<N extends TableReportName> = TableBody<TableReports[N]>;
