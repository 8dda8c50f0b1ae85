// The web app inside an agency service: web/dist (built by `npm run build:web`) served from the same
// origin as the API, every non-/api path answered with index.html (the app routes itself), plus the
// read-only routes only the web app needs: service facts for the login screen, counts for the dashboard,
// the ledger status and the audit report for the auditor view. Routes use the API's own declaration,
// authentication, role checks and problem answers (services/agency/api).
//
//   const app = await buildApi(ctx);
//   await registerWebApp(app, ctx);
import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, normalize, resolve, sep } from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fastifyStatic from "@fastify/static";
import { z } from "zod";
import type { ServiceContext } from "../services/agency/context";
import type { LedgerEvent } from "../services/agency/generated/prisma/client";
import { defineRoute, registerRoute, type AnyRouteSpec } from "../services/agency/api/route";
import { ProblemError, notFound } from "../services/agency/api/problem";
import { BusinessDate, CodeLabel } from "../services/agency/api/schemas";
import { LEDGER_ORDER, foldStops, numArg } from "../services/agency/api/ledger-view";
import { missingFlags, stepLabel, stopReasons } from "../services/agency/api/code-labels";
import { demoUsers } from "../services/agency/demo-accounts";
import { CODE_LISTS, stepByKey } from "../services/shared/codelists";

export interface WebAppOptions {
  /** the built app (default web/dist beside this file) */
  distDir?: string;
  /** the audit tool's latest report (default <ANKER_DATA_DIR>/audit/report.json) */
  auditReportFile?: string;
}

const TIME_ZONE = "Europe/Berlin";
const dayFormat = new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" });
/** The calendar day (Europe/Berlin, where both agencies work) of a block time in unix seconds. */
export function dayOf(unixSeconds: number): string {
  return dayFormat.format(new Date(unixSeconds * 1000));
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** The pairs of key steps whose time apart the dashboard shows. */
export const KEY_INTERVALS: [string, string][] = [
  ["REGISTERED", "APPLICATION_FILED"],
  ["APPLICATION_FILED", "HEARING_HELD"],
  ["HEARING_HELD", "DECISION_ISSUED"],
  ["DECISION_ISSUED", "DECISION_SERVED"],
  ["APPLICATION_FILED", "DECISION_SERVED"],
  ["DECISION_ISSUED", "MUNICIPAL_ALLOCATION"],
  ["MUNICIPAL_ALLOCATION", "TRANSFERRED_TO_MUNICIPALITY"],
  ["DEPARTURE_OBLIGATION", "REPATRIATION_COMPLETED"],
];

type StepRow = Pick<LedgerEvent, "caseRef" | "stepCode" | "agency" | "blockTime" | "blockNumber" | "logIndex">;

const Label = z.object({ key: z.string(), de: z.string(), en: z.string() });

export const StatsSchema = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  casesPerPhase: z.array(z.object({ phase: z.number().int(), count: z.number().int() })).describe("Fälle mit mindestens einem Schritt im Zeitraum, nach ihrer Phase am Ende des Zeitraums / cases with a step in the period, by their phase at its end"),
  stepsPerDay: z.array(z.object({ day: z.string(), BAMF: z.number().int(), ZAB: z.number().int(), total: z.number().int() })),
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

/** Dashboard counts from the chain mirror: no case references, no person data, only numbers. */
export function computeStats(rows: StepRow[], from: string, to: string): z.infer<typeof StatsSchema> {
  const byCase = new Map<string, StepRow[]>();
  const perDay = new Map<string, { BAMF: number; ZAB: number }>();
  for (const r of rows) {
    if (!r.caseRef || r.stepCode === null) continue;
    const day = dayOf(r.blockTime);
    if (day > to) continue;
    const list = byCase.get(r.caseRef) ?? [];
    list.push(r);
    byCase.set(r.caseRef, list);
    if (day >= from) {
      const d = perDay.get(day) ?? { BAMF: 0, ZAB: 0 };
      if (r.agency === 1) d.BAMF++;
      else if (r.agency === 2) d.ZAB++;
      perDay.set(day, d);
    }
  }
  // every day of the period, also those without steps (at most the 2 years the query allows)
  const stepsPerDay: z.infer<typeof StatsSchema>["stepsPerDay"] = [];
  for (let d = new Date(`${from}T12:00:00Z`); d.toISOString().slice(0, 10) <= to; d = new Date(d.getTime() + 86400_000)) {
    const day = d.toISOString().slice(0, 10);
    const c = perDay.get(day) ?? { BAMF: 0, ZAB: 0 };
    stepsPerDay.push({ day, BAMF: c.BAMF, ZAB: c.ZAB, total: c.BAMF + c.ZAB });
  }

  const phases = new Map<number, number>([
    [1, 0],
    [2, 0],
    [3, 0],
  ]);
  const durations = new Map<string, number[]>(KEY_INTERVALS.map(([a, b]) => [`${a}->${b}`, []]));
  const codes = KEY_INTERVALS.map(([a, b]) => [stepByKey(a).code, stepByKey(b).code] as const);
  for (const events of byCase.values()) {
    events.sort((x, y) => x.blockNumber - y.blockNumber || x.logIndex - y.logIndex);
    if (!events.some((e) => dayOf(e.blockTime) >= from)) continue;
    let phase = 0;
    for (const e of events) {
      const p = stepLabel(e.stepCode!).phase;
      if (p > 0) phase = p;
    }
    if (phase > 0) phases.set(phase, (phases.get(phase) ?? 0) + 1);
    const firstAt = new Map<number, number>();
    for (const e of events) if (!firstAt.has(e.stepCode!)) firstAt.set(e.stepCode!, e.blockTime);
    codes.forEach(([a, b], i) => {
      const ta = firstAt.get(a);
      // the first b after a (a correction or repeat before a does not count)
      const eb = events.find((e) => e.stepCode === b && ta !== undefined && e.blockTime >= ta);
      if (ta === undefined || !eb) return;
      const day = dayOf(eb.blockTime);
      if (day < from || day > to) return;
      durations.get(`${KEY_INTERVALS[i][0]}->${KEY_INTERVALS[i][1]}`)!.push(eb.blockTime - ta);
    });
  }
  const label = (key: string) => {
    const s = stepByKey(key);
    return { key: s.key, de: s.de, en: s.en };
  };
  return {
    from,
    to,
    timeZone: TIME_ZONE,
    casesPerPhase: [...phases.entries()].sort((a, b) => a[0] - b[0]).map(([phase, count]) => ({ phase, count })),
    stepsPerDay,
    processingTimes: KEY_INTERVALS.map(([a, b]) => {
      const v = durations.get(`${a}->${b}`)!.sort((x, y) => x - y);
      return { key: `${a}->${b}`, from: label(a), to: label(b), count: v.length, medianSeconds: percentile(v, 50), p90Seconds: percentile(v, 90) };
    }),
  };
}

const RULE_EVENTS = ["OutOfOrder", "StopChanged", "StopIgnored"];

const RuleEntry = z.object({
  name: z.string(),
  kind: z.enum(["alert", "stop-raised", "stop-changed", "stop-resolved", "stop-ignored"]),
  caseRef: z.string(),
  ledgerEventId: z.string().nullable(),
  step: z.object({ code: z.number().int(), key: z.string(), de: z.string(), en: z.string() }).nullable(),
  reasons: z.array(CodeLabel),
  missing: z.array(Label),
  blockNumber: z.number().int(),
  blockTime: z.string(),
  txHash: z.string(),
});

export const LedgerStatusSchema = z.object({
  agency: z.string(),
  headBlock: z.number().int().nullable(),
  chainError: z.string().nullable(),
  listener: z.object({ blockNumber: z.number().int(), logIndex: z.number().int(), blockHash: z.string(), lagBlocks: z.number().int().nullable() }).nullable(),
  lastSignedCheckpoint: z
    .object({ blockNumber: z.number().int(), blockHash: z.string(), caseCount: z.number().int(), signer: z.string(), signature: z.string(), createdAt: z.string() })
    .nullable(),
  codeList: z.object({ version: z.string(), localHash: z.string(), chainHash: z.string().nullable(), matches: z.boolean().nullable() }),
  counts: z.object({
    events: z.number().int(),
    steps: z.number().int(),
    alerts: z.number().int(),
    stopsRaised: z.number().int(),
    stopsResolved: z.number().int(),
    stopsIgnored: z.number().int(),
    casesWithOpenStop: z.number().int(),
  }),
  ruleHistory: z.array(RuleEntry).describe("die neuesten zuerst, höchstens `limit` / newest first, at most `limit`"),
});

export const MetaSchema = z.object({
  agency: z.enum(["BAMF", "ZAB"]),
  agencyName: z.object({ de: z.string(), en: z.string() }),
  partnerAgency: z.enum(["BAMF", "ZAB"]),
  codeListVersion: z.string(),
  demoMode: z.boolean(),
  demoLogins: z
    .array(z.object({ username: z.string(), password: z.string(), role: z.string(), displayName: z.string() }))
    .optional()
    .describe("nur im Demo-Modus / demo mode only"),
});

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The read-only routes the web app needs beyond the API's own list (also for the OpenAPI document). */
export function webAppRoutes(ctx: ServiceContext, opts: WebAppOptions = {}): AnyRouteSpec[] {
  const reportFile = opts.auditReportFile ?? join(resolve(ctx.config.dataDir, ".."), "audit", "report.json");
  const agency = ctx.config.agency;
  const agencyDef = CODE_LISTS.agencies.find((a) => a.key === agency)!;
  return [
    defineRoute({
      method: "GET",
      url: "/api/meta",
      operationId: "getServiceMeta",
      tag: "Web-Anwendung / Web app",
      summary: "Behörde, Code-Liste, Demo-Modus / Agency, code list, demo mode",
      description: "Öffentlich: was der Anmeldebildschirm zeigt. Demo-Zugänge nur, wenn der Dienst mit DEMO_MODE=true läuft. / Public: what the login screen shows; demo logins only in demo mode.",
      access: { public: true },
      responses: { 200: { description: "Dienst / service", schema: MetaSchema } },
      handler: async () => ({
        agency,
        agencyName: { de: agencyDef.de, en: agencyDef.en },
        partnerAgency: agency === "BAMF" ? "ZAB" : "BAMF",
        codeListVersion: CODE_LISTS.version,
        demoMode: ctx.config.demoMode,
        ...(ctx.config.demoMode ? { demoLogins: demoUsers(agency).map(({ username, password, role, displayName }) => ({ username, password, role, displayName })) } : {}),
      }),
    }),
    defineRoute({
      method: "GET",
      url: "/api/stats",
      operationId: "getStats",
      tag: "Web-Anwendung / Web app",
      summary: "Kennzahlen: nur Anzahlen / Dashboard figures: counts only",
      description:
        "Aus dem Spiegel der Kette (LedgerEvent), Tage in Europe/Berlin: Fälle je Phase (Fälle mit einem Schritt im Zeitraum, Phase am Ende des Zeitraums), Schritte je Tag und Behörde, Zeiten zwischen Schlüsselschritten (Median, 90. Perzentil; der zweite Schritt im Zeitraum). Keine Fallreferenzen, keine Personendaten. Standard: die letzten 30 Tage; höchstens 731 Tage. / From the chain mirror; counts only.",
      access: { roles: ["clerk", "auditor", "admin"] },
      query: z.strictObject({ from: BusinessDate.optional(), to: BusinessDate.optional() }),
      responses: { 200: { description: "Kennzahlen / figures", schema: StatsSchema } },
      handler: async ({ query }) => {
        const to = query.to ?? dayOf(Date.now() / 1000);
        const from = query.from ?? isoDay(new Date(Date.parse(`${to}T12:00:00Z`) - 29 * 86400_000));
        if (from > to) throw new ProblemError("invalid-input", "Beginn nach Ende / Start after end", [{ field: "from", message: "nach `to` / after `to`" }]);
        if (Date.parse(to) - Date.parse(from) > 731 * 86400_000) {
          throw new ProblemError("invalid-input", "Zeitraum höchstens 731 Tage / Period at most 731 days", [{ field: "from", message: "Zeitraum zu lang / period too long" }]);
        }
        const rows = await ctx.db.ledgerEvent.findMany({
          where: { name: "StepRecorded" },
          select: { caseRef: true, stepCode: true, agency: true, blockTime: true, blockNumber: true, logIndex: true },
        });
        return computeStats(rows, from, to);
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/ledger/status",
      operationId: "getLedgerStatus",
      tag: "Web-Anwendung / Web app",
      summary: "Stand der Kette und Regelhistorie / Ledger status and rule history",
      description:
        "Kopfblock der Kette, Stand des Listeners, letzter eigener signierter Checkpoint, Code-Listen-Hash lokal und auf der Kette, Zähler und die neuesten Hinweise und Stopps (ausgelöst, aufgehoben, missachtet). Ohne Personendaten. / Head block, listener checkpoint, last signed checkpoint, code-list hash, rule history; no personal data.",
      access: { roles: ["clerk", "auditor", "admin"] },
      query: z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(200) }),
      responses: { 200: { description: "Stand / status", schema: LedgerStatusSchema } },
      handler: async ({ query }) => {
        const { db } = ctx;
        let headBlock: number | null = null;
        let chainError: string | null = null;
        let chainHash: string | null = null;
        try {
          [headBlock, chainHash] = await Promise.all([ctx.chain.blockNumber(), ctx.chain.codeListHash()]);
        } catch {
          chainError = "Die Kette ist nicht erreichbar / The chain cannot be reached";
        }
        const [checkpoint, signed, events, steps, ruleRows] = await Promise.all([
          db.listenerCheckpoint.findUnique({ where: { id: 1 } }),
          db.signedCheckpoint.findFirst({ orderBy: { blockNumber: "desc" } }),
          db.ledgerEvent.count(),
          db.ledgerEvent.count({ where: { name: "StepRecorded" } }),
          db.ledgerEvent.findMany({ where: { name: { in: RULE_EVENTS } }, orderBy: LEDGER_ORDER }),
        ]);
        const counts = { events, steps, alerts: 0, stopsRaised: 0, stopsResolved: 0, stopsIgnored: 0, casesWithOpenStop: 0 };
        const perCase = new Map<string, LedgerEvent[]>();
        const entries: z.infer<typeof RuleEntry>[] = [];
        for (const e of ruleRows) {
          if (!e.caseRef) continue;
          if (e.name !== "OutOfOrder") perCase.set(e.caseRef, [...(perCase.get(e.caseRef) ?? []), e]);
          let kind: z.infer<typeof RuleEntry>["kind"];
          let reasons = 0;
          let missing = 0;
          if (e.name === "OutOfOrder") {
            kind = "alert";
            missing = numArg(e, "missing") ?? 0;
            counts.alerts++;
          } else if (e.name === "StopIgnored") {
            kind = "stop-ignored";
            reasons = numArg(e, "reasons") ?? 0;
            counts.stopsIgnored++;
          } else {
            reasons = numArg(e, "reasons") ?? 0;
            const previous = numArg(e, "previousReasons") ?? 0;
            kind = reasons === 0 ? "stop-resolved" : previous === 0 ? "stop-raised" : "stop-changed";
            if (kind === "stop-resolved") counts.stopsResolved++;
            if (kind === "stop-raised") counts.stopsRaised++;
          }
          entries.push({
            name: e.name,
            kind,
            caseRef: e.caseRef,
            ledgerEventId: e.eventId,
            step: null,
            reasons: stopReasons(reasons).map(({ code, key, de, en }) => ({ code, key, de, en })),
            missing: missingFlags(missing),
            blockNumber: e.blockNumber,
            blockTime: new Date(e.blockTime * 1000).toISOString(),
            txHash: e.txHash,
          });
        }
        for (const list of perCase.values()) if (foldStops(list) !== 0) counts.casesWithOpenStop++;
        const latest = entries.reverse().slice(0, query.limit);
        // the step that raised each notice: OutOfOrder names it, the others by their event id
        const ids = [...new Set(latest.map((x) => x.ledgerEventId).filter((x): x is string => !!x))];
        const stepRows = ids.length ? await db.ledgerEvent.findMany({ where: { name: "StepRecorded", eventId: { in: ids } }, select: { eventId: true, stepCode: true } }) : [];
        const stepOf = new Map(stepRows.map((r) => [r.eventId!, r.stepCode]));
        const byTx = new Map(ruleRows.map((r) => [`${r.txHash}:${r.name}:${r.eventId}`, r]));
        for (const x of latest) {
          const row = byTx.get(`${x.txHash}:${x.name}:${x.ledgerEventId}`);
          const code = (row && x.name === "OutOfOrder" ? numArg(row, "step") : undefined) ?? (x.ledgerEventId ? stepOf.get(x.ledgerEventId) : undefined);
          if (code !== undefined && code !== null) {
            const s = stepLabel(code);
            x.step = { code: s.code, key: s.key, de: s.de, en: s.en };
          }
        }
        return {
          agency,
          headBlock,
          chainError,
          listener: checkpoint ? { blockNumber: checkpoint.blockNumber, logIndex: checkpoint.logIndex, blockHash: checkpoint.blockHash, lagBlocks: ctx.listener.lagBlocks() ?? null } : null,
          lastSignedCheckpoint: signed
            ? { blockNumber: signed.blockNumber, blockHash: signed.blockHash, caseCount: signed.caseCount, signer: signed.signer, signature: signed.signature, createdAt: signed.createdAt.toISOString() }
            : null,
          codeList: { version: CODE_LISTS.version, localHash: ctx.localCodeListHash, chainHash, matches: chainHash === null ? null : chainHash.toLowerCase() === ctx.localCodeListHash.toLowerCase() },
          counts,
          ruleHistory: latest,
        };
      },
    }),
    defineRoute({
      method: "GET",
      url: "/api/audit/report",
      operationId: "getAuditReport",
      tag: "Web-Anwendung / Web app",
      summary: "Letzter Prüfbericht / Latest audit report",
      description: "Der Bericht, den das Prüfwerkzeug zuletzt geschrieben hat (nur lesend, ohne Personendaten); 404, solange es keinen gibt. / The audit tool's latest report, read-only; 404 while there is none.",
      access: { roles: ["auditor", "admin"] },
      responses: { 200: { description: "Bericht / report", schema: z.unknown() }, 404: { description: "noch kein Bericht / no report yet" } },
      handler: async () => {
        let text: string;
        try {
          text = await readFile(reportFile, "utf8");
        } catch {
          throw notFound("Noch kein Prüfbericht vorhanden / No audit report yet");
        }
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw new ProblemError("internal", "Der Prüfbericht ist kein gültiges JSON (wird er gerade geschrieben?) / The audit report is not valid JSON (being written?)");
        }
      },
    }),
  ];
}

/** What the browser may load: only this origin; Chart.js sets inline styles on its canvas. */
export const WEB_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const NOT_BUILT = `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Web-Anwendung nicht gebaut / Web app not built</title></head>
<body><main><h1>Web-Anwendung nicht gebaut / Web app not built</h1>
<p>Bitte <code>npm run build:web</code> ausführen. / Please run <code>npm run build:web</code>.</p><p>API: <a href="/api/docs">/api/docs</a></p></main></body></html>`;

/** Serve web/dist with SPA fallback and register the web app's API routes. */
export async function registerWebApp(app: FastifyInstance, ctx: ServiceContext, opts: WebAppOptions = {}): Promise<void> {
  const root = resolve(opts.distDir ?? join(__dirname, "dist"));
  for (const spec of webAppRoutes(ctx, opts)) registerRoute(app, ctx, spec);

  // sendFile only: the one route below decides what is served, so files built after the start are found.
  await app.register(fastifyStatic, { root, serve: false, index: false, dotfiles: "deny", etag: true, lastModified: true, cacheControl: false });

  const sendIndex = (reply: FastifyReply) => {
    if (!existsSync(join(root, "index.html"))) {
      return reply.code(503).header("content-security-policy", "default-src 'none'; frame-ancestors 'none'").type("text/html; charset=utf-8").send(NOT_BUILT);
    }
    return reply.header("cache-control", "no-cache").header("content-security-policy", WEB_CSP).type("text/html; charset=utf-8").sendFile("index.html");
  };

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const path = decodeURIComponentSafe(req.url.split("?")[0]);
    // The API keeps its own 404 (problem+json): the app never answers for /api.
    if (path === undefined || path === "/api" || path.startsWith("/api/")) return reply.callNotFound();
    const rel = normalize(path).replace(/^([/\\])+/, "");
    const file = resolve(root, rel);
    if (rel && (file === root || file.startsWith(root + sep)) && !rel.split(/[/\\]/).some((p) => p.startsWith(".")) && isFile(file)) {
      // hashed build output never changes; everything else is revalidated
      const immutable = rel.startsWith(`assets${sep}`) || rel.startsWith("assets/");
      reply.header("cache-control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
      reply.header("content-security-policy", WEB_CSP);
      return reply.sendFile(rel);
    }
    // a missing asset is a 404, not the app
    if (/\.[a-z0-9]{1,8}$/i.test(rel) && rel.startsWith("assets")) return reply.callNotFound();
    return sendIndex(reply);
  };
  app.get("/", handler);
  app.get("/*", handler);
}

function decodeURIComponentSafe(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
