import { Global, Module } from '@nestjs/common';
import { REPLAY_THREAD_SCRIPT } from '../../libs/audit/src/replays/application-replays.js';

/** The compiled replay thread beside this module (dist/apps/replay-thread/replay-thread.js once built). */
export const APPLICATION_REPLAY_THREAD = new URL('./replay-thread.js', import.meta.url);

/**
 * Gives the application's replays their thread (REPLAY_THREAD_SCRIPT): `ledger serve` imports it. The
 * CLI's one-shot commands do not (nothing else to answer meanwhile), nor do tests from TypeScript
 * sources: there replays run in the calling thread.
 */
@Global()
@Module({
  providers: [{ provide: REPLAY_THREAD_SCRIPT, useValue: APPLICATION_REPLAY_THREAD }],
  exports: [REPLAY_THREAD_SCRIPT],
})
export class ReplayThreadModule {}
