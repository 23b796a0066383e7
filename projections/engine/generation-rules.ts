import type { Projection, ProjectionContext, RuleName } from '../projection.js';

/**
 * The rules a generation of `projection` is built with, as stored in the registry: the configured
 * values of the rules it depends on (all of them when it does not say), as JSON in a fixed key order.
 */
export function generationRules(projection: Pick<Projection, 'rules'>, context: ProjectionContext): string {
  const names = projection.rules ?? (Object.keys(context) as RuleName[]);
  return JSON.stringify(Object.fromEntries([...names].sort().map((name) => [name, context[name]])));
}
