import { Command } from 'commander';
import type { ActivityActions } from '../../../libs/domain/src/activity-rules.js';
import { DomainError } from '../../../libs/domain/src/errors.js';
import type { LogPosition } from '../../../libs/event-store/src/event-store.js';
import type { StoredLedgerEvent } from '../../../libs/event-store/src/stored-ledger-event.js';
import { formatVerifyResult, verifyAccount, verifyChecks, type ProjectedReports } from '../../../libs/audit/src/verify.js';
import { REPORTS } from '../../../libs/reports/src/catalog.js';
import { UsageError, answer, formatOption, requiredOption } from './command-kit.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';

/** What verify reads: the account's stream and the projected reports, at one fixed now. */
export interface VerifyPorts {
  readonly now: number;
  readonly leaseMs: number;
  /** `ACTIVITY_ACTIONS` (null: every action counts). */
  readonly activityActions: ActivityActions;
  readEvents(accountId: string): Promise<StoredLedgerEvent[]>;
  /** The newest position of the log a reader can see now. */
  headPosition(): Promise<LogPosition | null>;
  readonly projected: ProjectedReports;
}

/**
 * `ledger verify --account ID`: the differences (text, or JSON with --format json) on stdout, progress
 * on stderr. Exit 0 when every report equals its recomputation, 1 on drift or an unknown account,
 * 2 for bad options.
 */
export function verifyCommand(out: Output, open: (work: (ports: VerifyPorts) => Promise<number>) => Promise<number>): Command {
  const command = new Command('verify')
    .summary('recompute every report of an account from its raw events and compare; exit 1 on drift')
    .description(
      'Recompute every report of the account from its raw events in memory and compare with the projected tables; ' +
        'print the differences; exit 1 on any drift.',
    )
    .addOption(requiredOption('--account <id>', 'the account'))
    .addOption(formatOption(['text', 'json'], 'text: the differences for reading; json: the whole result'));
  return answer(command, async (self) => {
    const { account: accountId, format } = self.opts<{ account: string; format: 'text' | 'json' }>();
    if (accountId.trim() === '') throw new UsageError('--account must not be empty');
    return verify(accountId, format, out, open);
  });
}

function verify(
  accountId: string,
  format: 'text' | 'json',
  out: Output,
  open: (work: (ports: VerifyPorts) => Promise<number>) => Promise<number>,
): Promise<number> {
  return open(async (ports) => {
    try {
      // The head first: every event of the account up to it is then among those read.
      const read = async () => {
        const covered = await ports.headPosition();
        return { events: await ports.readEvents(accountId), covered };
      };
      const { events, covered } = await read();
      const result = await verifyAccount(accountId, events, ports.projected, {
        covered,
        reread: read,
        now: ports.now,
        leaseMs: ports.leaseMs,
        activityActions: ports.activityActions,
        checks: verifyChecks(REPORTS),
        progress: (k, n, label) => out.stderr.write(`verify ${accountId}: [${k}/${n}] ${label}\n`),
      });
      out.stdout.write(format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : formatVerifyResult(result));
      return result.differences.length === 0 ? EXIT.OK : EXIT.FAILURE;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      out.stderr.write(`ledger verify: ${error.code}: ${error.message}\n`);
      return error.code === 'VALIDATION_FAILED' ? EXIT.INVALID_INPUT : EXIT.FAILURE;
    }
  });
}
