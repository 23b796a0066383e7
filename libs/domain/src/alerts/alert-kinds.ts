/** The kinds of alert rule of SPEC §9 (what each watches: alert-rules.ts). */
export const ALERT_KINDS = ['usage-threshold', 'denials', 'over-allocated', 'expiring'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export function isAlertKind(value: unknown): value is AlertKind {
  return typeof value === 'string' && (ALERT_KINDS as readonly string[]).includes(value);
}
