import type { NestExpressApplication } from '@nestjs/platform-express';

export interface Route {
  readonly method: string;
  /** Express path with `:parameters`, e.g. `/v1/accounts/:accountId/assignments`. */
  readonly path: string;
}

/** Every route the app serves, as the Express router holds them (what Nest registered). */
export function routesOf(app: NestExpressApplication): Route[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } };
  return express.router.stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods)
          .filter((m) => m !== '_all')
          .map((m) => ({ method: m.toUpperCase(), path: layer.route!.path }))
      : [],
  );
}
