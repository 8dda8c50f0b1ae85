// A case's history (GET /api/cases/{caseRef}/timeline) and its stops and alerts (…/alerts).
import { z } from "zod";
import { CodeLabel, Label, OpenStops, StepRef, limitQuery } from "./common";

const StepLabel = z.object({ code: z.number().int(), key: z.string(), phase: z.number().int(), types: z.array(z.string()), de: z.string(), en: z.string() });
const Detail = z.object({ value: z.string(), key: z.string().optional(), de: z.string().optional(), en: z.string().optional() }).nullable();
/** A rule event a step raised, with its German and English sentence; further fields depend on the event. */
const Notice = z.looseObject({ name: z.string(), de: z.string(), en: z.string() });

export const TimelineStep = z.object({
  ledgerEventId: z.string(),
  agency: z.string(),
  own: z.boolean(),
  step: StepLabel,
  detail: Detail,
  businessDate: z.string().nullable(),
  commitment: z.string(),
  blockNumber: z.number().int(),
  blockTime: z.string(),
  txHash: z.string(),
  logIndex: z.number().int(),
  notices: z.array(Notice),
  corrects: z.string().optional(),
  correctedBy: z.array(z.string()).optional(),
  eventId: z.string().optional(),
  verified: z
    .boolean()
    .nullable()
    .optional()
    .describe("eigene Schritte: Verpflichtung aus Salz und Daten stimmt mit der Kette überein; null = gelöscht / own steps: commitment matches; null = erased"),
  record: z.enum(["present", "erased", "missing"]).optional(),
  data: z.unknown().optional().describe("eigene Fachdaten, nur Sachbearbeitung / own off-chain data, clerks only"),
});

export const Timeline = z.object({
  caseRef: z.string(),
  agency: z.string().describe("die abfragende Behörde / the agency answering"),
  held: z.boolean(),
  person: z
    .object({
      fileNumber: z.string(),
      familyName: z.string().nullable(),
      givenNames: z.string().nullable(),
      dateOfBirth: z.string().nullable(),
      nationality: z.string().nullable(),
      fictitious: z.boolean(),
    })
    .nullable()
    .optional()
    .describe("nur für Sachbearbeitung / clerks only"),
  erased: z.boolean(),
  openStops: OpenStops,
  steps: z.array(TimelineStep),
  pending: z.array(
    z.object({
      eventId: z.string(),
      ledgerEventId: z.string(),
      step: StepLabel,
      detail: Detail,
      businessDate: z.string().nullable(),
      state: z.enum(["queued", "submitted", "confirmed", "failed"]),
      failureReason: z.string().nullable(),
      createdAt: z.string(),
      data: z.unknown().optional(),
    }),
  ),
  otherNotices: z.array(Notice),
  page: z.object({
    limit: z.number().int(),
    totalSteps: z.number().int().describe("Schritte des Falls im Ledger (alle Seiten) / the case's steps on the ledger (all pages)"),
    nextCursor: z
      .string()
      .nullable()
      .describe("für die nächste Seite als `cursor` senden; null auf der letzten / send as `cursor` for the next page; null on the last"),
  }),
});

/** Block number and log index of the last step of the page before, as `12345-0`. */
export const TimelineCursor = z
  .string()
  .regex(/^\d{1,12}-\d{1,6}$/, { error: "Cursor als Block-Logindex erwartet, z. B. 12345-0 / Cursor expected as block-logIndex, e.g. 12345-0" })
  .transform((s) => {
    const [block, logIndex] = s.split("-").map(Number);
    return { block, logIndex };
  });

export const TimelineQuery = z.strictObject({
  cursor: TimelineCursor.optional().describe("nextCursor der vorigen Seite; ohne: die erste Seite / nextCursor of the page before; without: the first page"),
  limit: limitQuery(50, 500).describe("Schritte je Seite (50, ≤ 500) / steps per page"),
});

export const CaseAlerts = z.object({
  caseRef: z.string(),
  openStops: OpenStops.extend({
    source: z
      .enum(["chain", "ledger-mirror"])
      .describe("live von der Kette oder, wenn nicht erreichbar, aus dem Spiegel / live from the chain or, if unreachable, from the mirror"),
  }),
  stopHistory: z.array(
    z.object({
      name: z.enum(["StopChanged", "StopIgnored"]),
      ledgerEventId: z.string().nullable().describe("der auslösende Schritt / the triggering step"),
      previousReasons: z.array(CodeLabel),
      reasons: z.array(CodeLabel),
      blockNumber: z.number().int(),
      blockTime: z.string(),
    }),
  ),
  alerts: z.array(
    z.object({
      ledgerEventId: z.string().nullable(),
      step: StepRef,
      missing: z.array(Label),
      blockNumber: z.number().int(),
      blockTime: z.string(),
    }),
  ),
});

export type Timeline = z.infer<typeof Timeline>;
export type TimelineQuery = z.input<typeof TimelineQuery>;
export type TimelineStep = z.infer<typeof TimelineStep>;
export type CaseAlerts = z.infer<typeof CaseAlerts>;
