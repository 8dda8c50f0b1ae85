// Business dates: yyyymmdd integers on chain (0 = none), YYYY-MM-DD in answers and forms.

/** yyyymmdd (0 or absent = none) as YYYY-MM-DD. */
export function isoDate(yyyymmdd: number | null | undefined): string | null {
  if (!yyyymmdd) return null;
  const s = String(yyyymmdd).padStart(8, "0");
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

/** A yyyymmdd value of unknown type (a notification payload's) as YYYY-MM-DD, else as it came. */
export function yyyymmddToIso(v: unknown): string {
  const s = String(v).padStart(8, "0");
  return /^\d{8}$/.test(s) ? `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}` : String(v);
}

/** YYYY-MM-DD as yyyymmdd. */
export function isoToYyyymmdd(iso: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) throw new Error(`not a date (YYYY-MM-DD): ${iso}`);
  return Number(iso.replace(/-/g, ""));
}
