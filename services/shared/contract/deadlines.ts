// GET /api/deadlines: the open deadlines of this agency's cases — hearing dates (federal office), appeal
// periods (federal office, central authority), planned repatriation dates (central authority), arrivals of
// allocated persons (district authority) — soonest first, overdue ones marked.
import { z } from "zod";
import { QueryBool, limitQuery, offsetQuery } from "./common";
import { CasePerson } from "./cases";

export const DEADLINE_KINDS = ["HEARING_DATE", "APPEAL_PERIOD", "REPATRIATION_DATE", "ARRIVAL"] as const;

export const DeadlinesQuery = z.strictObject({
  kind: z.enum(DEADLINE_KINDS).optional(),
  overdue: QueryBool.optional().describe("true: nur überschrittene; false: nur kommende / only overdue (upcoming)"),
  limit: limitQuery(25, 500),
  offset: offsetQuery,
});

export const Deadline = z.object({
  caseRef: z.string(),
  case: CasePerson,
  kind: z.enum(DEADLINE_KINDS),
  date: z.string().describe("der Tag der Frist (JJJJ-MM-TT, Europe/Berlin): Anhörungstag, letzter Tag der Klagefrist, geplanter Rückführungstag, letzter Tag bis zur Ankunft nach Zuweisung / the deadline's day (ARRIVAL: allocation day plus arrivalOverdueDays; overdue = arrival overdue)"),
  overdue: z.boolean().describe("der Tag ist vorbei und der Schritt danach fehlt / the day has passed and the step after it is missing"),
  daysLeft: z.number().int().describe("Tage bis zur Frist; negativ: Tage darüber / days until the deadline; negative: days past"),
  ledgerEventId: z.string().nullable().describe("der Schritt, der die Frist setzte / the step that set the deadline"),
});

export const DeadlineList = z.object({
  today: z.string(),
  total: z.number().int(),
  overdue: z.number().int().describe("überschrittene insgesamt / overdue on all pages"),
  limit: z.number().int(),
  offset: z.number().int(),
  deadlines: z.array(Deadline),
});

export type Deadline = z.infer<typeof Deadline>;
export type DeadlineList = z.infer<typeof DeadlineList>;
export type DeadlinesQuery = z.input<typeof DeadlinesQuery>;
