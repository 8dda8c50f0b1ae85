// Who is logged in, and the agency this service belongs to. The session itself is the HttpOnly cookie the
// service sets; the page only keeps the CSRF token in memory (a reload asks GET /api/session again).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { api, onUnauthorized, setCsrfToken, type Me, type Meta, type Role } from "./api";

interface SessionState {
  meta: Meta | undefined;
  metaError: unknown;
  me: Me | null | undefined; // undefined: not known yet; null: logged out
  login(username: string, password: string): Promise<Me>;
  logout(): Promise<void>;
  /** set when the service answered 401 to a page: the login screen says why */
  expired: boolean;
}

const SessionContext = createContext<SessionState | null>(null);

/** The session answer, whatever its exact nesting: { user: {...}, csrfToken } or flat. */
export function toMe(raw: unknown): Me {
  const r = (raw ?? {}) as Record<string, unknown>;
  const u = (typeof r.user === "object" && r.user !== null ? r.user : r) as Record<string, unknown>;
  const principal = (typeof r.principal === "object" && r.principal !== null ? r.principal : u) as Record<string, unknown>;
  return {
    username: String(principal.username ?? u.username ?? ""),
    displayName: String(principal.displayName ?? u.displayName ?? principal.username ?? ""),
    role: (principal.role ?? u.role ?? "clerk") as Role,
    agency: (r.agency ?? u.agency) as Me["agency"],
    csrfToken: (r.csrfToken ?? u.csrfToken) as string | undefined,
    expiresAt: (r.expiresAt ?? u.expiresAt) as string | undefined,
  };
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [meta, setMeta] = useState<Meta | undefined>(undefined);
  const [metaError, setMetaError] = useState<unknown>(undefined);
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);

  useEffect(() => {
    api<Meta>("GET", "/api/meta").then(setMeta, setMetaError);
    api<unknown>("GET", "/api/session", undefined, { quiet401: true }).then(
      (raw) => {
        const m = toMe(raw);
        setCsrfToken(m.csrfToken ?? null);
        setMe(m);
      },
      () => setMe(null),
    );
  }, []);

  useEffect(
    () =>
      onUnauthorized(() => {
        setCsrfToken(null);
        setMe((prev) => {
          if (prev) setExpired(true);
          return null;
        });
      }),
    [],
  );

  const login = useCallback(async (username: string, password: string) => {
    const raw = await api<unknown>("POST", "/api/session", { username, password }, { quiet401: true });
    const m = toMe(raw);
    setCsrfToken(m.csrfToken ?? null);
    setExpired(false);
    setMe(m);
    return m;
  }, []);

  const logout = useCallback(async () => {
    try {
      await api("DELETE", "/api/session", undefined, { quiet401: true });
    } finally {
      setCsrfToken(null);
      setMe(null);
    }
  }, []);

  const value = useMemo(() => ({ meta, metaError, me, login, logout, expired }), [meta, metaError, me, login, logout, expired]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error("SessionProvider missing");
  return s;
}

/** What a role may open. Person data and recording are for clerks; the audit view for auditors and admins. */
export function can(me: Me | null | undefined, meta: Meta | undefined, what: "inbox" | "cases" | "record" | "allocation" | "dashboard" | "audit" | "personalData"): boolean {
  if (!me) return false;
  switch (what) {
    case "inbox":
    case "cases":
      return me.role === "clerk" || me.role === "auditor";
    case "dashboard":
      return true;
    case "record":
    case "personalData":
      return me.role === "clerk";
    case "allocation":
      return me.role === "clerk" && meta?.agency === "ZAB";
    case "audit":
      return me.role === "auditor" || me.role === "admin";
  }
}
