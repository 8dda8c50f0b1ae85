// Notifications as the pages read them (GET /api/notifications), and step references by code or key.
import type { Notification, StepRef } from "../../services/shared/contract";
import { request } from "./api";
import { stepByCode, stepByKey, type StepDef } from "./codelists";

export type Notice = Notification;

export function isStop(n: Notice): boolean {
  return n.kind === "STOP" || n.kind === "STOP_IGNORED";
}

/** Notices from GET /api/notifications (the service sorts stop warnings first, then the newest). */
export async function loadNotices(filter: { kind?: Notice["kind"]; unacknowledged?: boolean; limit?: number } = {}): Promise<Notice[]> {
  const r = await request("listNotifications", {
    query: { kind: filter.kind, unacknowledged: filter.unacknowledged === undefined ? undefined : filter.unacknowledged ? "true" : "false", limit: filter.limit ?? 200 },
  });
  return r.notifications;
}

/** Every open repatriation warning, however many other notices there are. */
export async function loadOpenStops(): Promise<Notice[]> {
  const [stops, ignored] = await Promise.all([loadNotices({ kind: "STOP", unacknowledged: true, limit: 500 }), loadNotices({ kind: "STOP_IGNORED", unacknowledged: true, limit: 500 })]);
  return [...ignored, ...stops].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
}

/** The catalogue entry of a step named by its key (notification payloads) or its code and key (answers). */
export function stepOf(ref: string | StepRef | null | undefined): StepDef | undefined {
  if (!ref) return undefined;
  if (typeof ref === "string") return stepByKey(ref);
  return stepByKey(ref.key) ?? stepByCode(ref.code);
}

/** A person's name as the pages write it: "Family name, given names" (either may be missing). */
export function personName(p: { familyName: string | null; givenNames: string | null }): string {
  return [p.familyName, p.givenNames].filter(Boolean).join(", ");
}
