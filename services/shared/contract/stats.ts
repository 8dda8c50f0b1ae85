// GET /api/stats: the dashboard's figures, counts only (no case references, no person data).
import { z } from "zod";
import { BusinessDate, Label } from "./common";

export const StatsQuery = z.strictObject({ from: BusinessDate.optional(), to: BusinessDate.optional() });

export const Stats = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  casesPerPhase: z
    .array(z.object({ phase: z.number().int(), count: z.number().int() }))
    .describe("Fälle mit mindestens einem Schritt im Zeitraum, nach ihrer Phase am Ende des Zeitraums / cases with a step in the period, by their phase at its end"),
  agencies: z.array(z.string()).describe("die Mitgliedsbehörden, deren Schritte gezählt werden, in Nummernfolge / the member agencies whose steps are counted, by number"),
  stepsPerDay: z.array(
    z.object({
      day: z.string(),
      perAgency: z.record(z.string(), z.number().int()).describe("Schritte je Mitgliedsbehörde (Schlüssel wie in agencies) / steps per member agency (keys as in agencies)"),
      total: z.number().int(),
    }),
  ),
  processingTimes: z.array(
    z.object({
      key: z.string(),
      from: Label,
      to: Label,
      count: z.number().int(),
      medianSeconds: z.number().nullable(),
      p90Seconds: z.number().nullable(),
    }),
  ),
});

export type StatsQuery = z.input<typeof StatsQuery>;
export type Stats = z.infer<typeof Stats>;
