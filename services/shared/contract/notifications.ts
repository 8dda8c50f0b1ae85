// This agency's notifications (GET /api/notifications) and their acknowledgement (POST …/{id}/ack).
import { z } from "zod";
import { CaseRef, QueryBool, decimalInteger, limitQuery, offsetQuery } from "./common";
import { CasePerson } from "./cases";

/** The kinds the chain side raises (services/agency/notifications/rules.ts checks it raises no other). */
export const NOTIFICATION_KINDS = ["STOP", "STOP_RESOLVED", "STOP_IGNORED", "ALERT", "FORWARD", "ALLOCATION_DUE", "MUNICIPAL_ALLOCATION", "DEADLINE"] as const;
export const NotificationKind = z.enum(NOTIFICATION_KINDS);

/**
 * What the notification is about, as the chain holds it (no personal data). Which fields are set depends on
 * the kind: forwards carry step, detail and date; alerts the missing rule flags; stops the reason keys.
 */
export const NotificationPayload = z.looseObject({
  event: z.string().optional().describe("das Ledger-Ereignis / the ledger event (StepRecorded, OutOfOrder, …)"),
  caseRef: z.string().optional(),
  ledgerEventId: z.string().optional(),
  agency: z.string().optional().describe("die erfassende Behörde / the recording agency"),
  step: z.string().optional().describe("Schrittschlüssel / step key"),
  txHash: z.string().optional(),
  blockNumber: z.number().int().optional(),
  detail: z.string().optional().describe("Detailcode als Dezimaltext / detail code as decimal text"),
  detailKey: z.string().optional(),
  businessDate: z.number().int().optional().describe("JJJJMMTT / yyyymmdd"),
  missingFlags: z.number().int().optional().describe("fehlende Regel-Flags (Bits) / missing rule flags (bits)"),
  reasons: z.array(z.string()).optional().describe("Stoppgründe (Schlüssel) / stop reasons (keys)"),
  previousReasons: z.array(z.string()).optional(),
  deadline: z.string().optional().describe("bei DEADLINE: welche Frist / for DEADLINE: which deadline"),
});

export const Notification = z.object({
  id: z.number().int(),
  kind: NotificationKind,
  priority: z.number().int().describe("0 = Stopp-Warnung (höchste) / 0 = stop warning (highest)"),
  caseRef: z.string(),
  case: CasePerson.optional().describe("wie die Listen den Fall nennen (in Listen gesetzt) / how lists name the case (set in lists)"),
  eventId: z.string().nullable(),
  payload: NotificationPayload.nullable(),
  createdAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable().describe("user:…, client:… oder system:allocated (von selbst erledigt: Fall zugewiesen) / or system:allocated (closed itself: case allocated)"),
  deliveryState: z.string(),
});

export const NotificationList = z.object({
  total: z.number().int().describe("Treffer insgesamt (alle Seiten) / matches on all pages"),
  limit: z.number().int(),
  offset: z.number().int(),
  notifications: z.array(Notification),
});

export const ListNotificationsQuery = z.strictObject({
  kind: NotificationKind.optional(),
  unacknowledged: QueryBool.optional().describe("true: nur unquittierte / only unacknowledged"),
  caseRef: CaseRef.optional(),
  group: z
    .enum(["stops", "others"])
    .optional()
    .describe("stops: Stopp-Warnungen (STOP, STOP_IGNORED); others: alles außer offenen Stopp-Warnungen / stops: stop warnings; others: all but open stop warnings"),
  q: z.string().trim().min(2).max(100).optional().describe("Suche wie GET /api/cases?q= / search as in GET /api/cases?q="),
  limit: limitQuery(25, 500),
  offset: offsetQuery,
});

export const AcknowledgeManyBody = z.strictObject({
  ids: z.array(decimalInteger(1, 2 ** 31 - 1)).min(1).max(500).describe("Nummern der Benachrichtigungen / notification ids"),
});

export const AcknowledgedMany = z.object({
  acknowledged: z.number().int().describe("neu quittiert / newly acknowledged"),
  notifications: z.array(Notification).describe("die genannten, wie sie jetzt sind (unbekannte fehlen) / the named ones as they are now (unknown ones missing)"),
});

export const NotificationCounts = z.object({
  unacknowledged: z.number().int().describe("offene Benachrichtigungen / open notifications"),
  openStops: z.number().int().describe("offene Stopp-Warnungen / open stop warnings"),
  allocationDue: z.number().int().describe("offene fällige Zuweisungen (zentrale Ausländerbehörde) / open allocations due (central authority)"),
  deadlines: z.number().int().describe("offene Fristhinweise / open deadline notices"),
  byKind: z.record(z.string(), z.number().int()),
});

export const NotificationParams = z.strictObject({
  id: decimalInteger(1, 2 ** 31 - 1),
});

export type NotificationKind = z.infer<typeof NotificationKind>;
export type Notification = z.infer<typeof Notification>;
export type NotificationPayload = z.infer<typeof NotificationPayload>;
export type NotificationList = z.infer<typeof NotificationList>;
export type ListNotificationsQuery = z.input<typeof ListNotificationsQuery>;
export type NotificationCounts = z.infer<typeof NotificationCounts>;
