import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DomainError } from '../../domain/src/index.js';
import { AccountLedger } from './account-ledger.js';

/**
 * Appends SessionExpired for live sessions whose lease lapsed on the wall clock (SPEC §3).
 * Reports already end such sessions when their lease lapsed (`leaseLapsesAt`); this makes the log say so too.
 */
@Injectable()
export class SessionReaper implements OnApplicationShutdown {
  private readonly logger = new Logger(SessionReaper.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ledger: AccountLedger) {}

  start(intervalMs: number): void {
    this.timer ??= setInterval(() => void this.reap(), intervalMs).unref();
  }

  async reap(): Promise<number> {
    let appended = 0;
    for (const accountId of this.ledger.accountsWithOpenSessions()) {
      try {
        const outcome = await this.ledger.execute({ type: 'ExpireSessions', accountId }, { actor: 'system:session-reaper' });
        appended += outcome.events.length;
      } catch (error) {
        if (!(error instanceof DomainError)) this.logger.error(`expiring sessions of account ${accountId} failed`, error as Error);
      }
    }
    return appended;
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
