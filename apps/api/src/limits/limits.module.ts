import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ReplayAdmission, ReplayAdmissionInterceptor } from './replay-admission.js';

/** BUSY admission of the routes marked `@ReplaysHistory` (rate limiting per key runs with the key guard, in ApiAuthModule). */
@Module({
  providers: [ReplayAdmission, { provide: APP_INTERCEPTOR, useClass: ReplayAdmissionInterceptor }],
  exports: [ReplayAdmission],
})
export class LimitsModule {}
