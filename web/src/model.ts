// What the pages read from the API, normalised in one place: the service's answers are wrapped
// ({ items: [...] } or a bare list) and carry labels in both languages.
import { api } from "./api";
import { stepByCode, stepByKey, type StepDef } from "./codelists";

export function list<T>(raw: unknown, ...keys: string[]): T[] {
  if (Array.isArray(raw)) return raw as T[];
  const r = (raw ?? {}) as Record<string, unknown>;
  for (const k of [...keys, "items", "data", "results"]) if (Array.isArray(r[k])) return r[k] as T[];
  return [];
}

export interface Notice {
  id: number;
  kind: string;
  priority: number;
  caseRef: string;
  eventId?: string | null;
  payload: Record<string, unknown>;
  createdAt: string;
  acknowledgedAt?: string | null;
  acknowledgedBy?: string | null;
  /** the service's own one-line text ("Deutsch / English" or {de,en}) */
  message?: string | { de: string; en: string };
  title?: string | { de: string; en: string };
}

export function isStop(n: Notice): boolean {
  return n.kind === "STOP" || n.kind === "STOP_IGNORED";
}

export function normaliseNotice(raw: Record<string, unknown>): Notice {
  let payload = raw.payload as unknown;
  if (typeof payload === "string") {
    try {
      payload = JSON.parse(payload);
    } catch {
      payload = {};
    }
  }
  return {
    ...(raw as unknown as Notice),
    id: Number(raw.id),
    kind: String(raw.kind ?? ""),
    priority: Number(raw.priority ?? 9),
    caseRef: String(raw.caseRef ?? ""),
    payload: (payload ?? {}) as Record<string, unknown>,
    createdAt: String(raw.createdAt ?? ""),
  };
}

/** Notices from GET /api/notifications (the service sorts stop warnings first, then the newest). */
export async function loadNotices(filter: { kind?: string; unacknowledged?: boolean; limit?: number } = {}): Promise<Notice[]> {
  const q = new URLSearchParams();
  if (filter.kind) q.set("kind", filter.kind);
  if (filter.unacknowledged !== undefined) q.set("unacknowledged", String(filter.unacknowledged));
  q.set("limit", String(filter.limit ?? 200));
  const raw = await api<unknown>("GET", `/api/notifications?${q}`);
  return list<Record<string, unknown>>(raw, "notifications").map(normaliseNotice);
}

/** Every open repatriation warning, however many other notices there are. */
export async function loadOpenStops(): Promise<Notice[]> {
  const [stops, ignored] = await Promise.all([loadNotices({ kind: "STOP", unacknowledged: true, limit: 500 }), loadNotices({ kind: "STOP_IGNORED", unacknowledged: true, limit: 500 })]);
  return [...ignored, ...stops].sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)) || b.id - a.id);
}

/** A step reference in any of the shapes the service may use: code, key or a label object. */
export function stepOf(raw: unknown): StepDef | undefined {
  if (typeof raw === "number") return stepByCode(raw);
  if (typeof raw === "string") return stepByKey(raw) ?? (/^\d+$/.test(raw) ? stepByCode(Number(raw)) : undefined);
  if (raw && typeof raw === "object") {
    const r = raw as { code?: number; key?: string };
    return (r.key ? stepByKey(r.key) : undefined) ?? (r.code !== undefined ? stepByCode(Number(r.code)) : undefined);
  }
  return undefined;
}
