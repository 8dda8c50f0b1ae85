// Who is logged in, and the agency this service belongs to. The session itself is the HttpOnly cookie the
// service sets; the page only keeps the CSRF token in memory (a reload asks GET /api/session again).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import type { ServiceMeta, SessionInfo } from "../../services/shared/contract";
import { onUnauthorized, request, setCsrfToken } from "./api";

type Meta = ServiceMeta;
/** Who is logged in, as GET/POST /api/session say. */
export type Me = SessionInfo;

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

export function SessionProvider({ children }: { children: ReactNode }) {
  const [meta, setMeta] = useState<Meta | undefined>(undefined);
  const [metaError, setMetaError] = useState<unknown>(undefined);
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);

  useEffect(() => {
    request("getServiceMeta", {}).then(setMeta, setMetaError);
    request("whoAmI", {}, { quiet401: true }).then(
      (m) => {
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
    const m = await request("login", { body: { username, password } }, { quiet401: true });
    setCsrfToken(m.csrfToken ?? null);
    setExpired(false);
    setMe(m);
    return m;
  }, []);

  const logout = useCallback(async () => {
    try {
      await request("logout", {}, { quiet401: true });
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
