// Who is logged in, and the agency this service belongs to. The session itself is the HttpOnly cookie the
// service sets; the page only keeps the CSRF token in memory (a reload asks GET /api/session again).
// Ways to sign in: the password form, and where configured the agency's identity provider (a link the
// browser follows; it comes back to returnTo with the session cookie set).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import type { AuthMethods, ServiceMeta, SessionInfo } from "../../services/shared/contract";
import { onUnauthorized, request, setCsrfToken } from "./api";
import { urlOf } from "./endpoints";
import { closeLive } from "./live";

type Meta = ServiceMeta;
/** Who is logged in, as GET/POST /api/session say. */
export type Me = SessionInfo;

interface SessionState {
  meta: Meta | undefined;
  metaError: unknown;
  /** how people sign in here; undefined until the service said */
  methods: AuthMethods | undefined;
  me: Me | null | undefined; // undefined: not known yet; null: logged out
  login(username: string, password: string): Promise<Me>;
  logout(): Promise<void>;
  /** set when the service answered 401 to a page: the login screen says why */
  expired: boolean;
}

const SessionContext = createContext<SessionState | null>(null);

/** The three questions every page load starts with, asked at once (main.tsx) rather than after a render. */
function startRequests() {
  return {
    meta: request("getServiceMeta", {}),
    methods: request("getAuthMethods", {}),
    me: sessionHint(undefined) ? request("whoAmI", {}, { quiet401: true }) : undefined,
  };
}
let startup: ReturnType<typeof startRequests> | undefined;

/** Ask the service what the first render needs, before React renders it (called once by main.tsx). */
export function startSession(): boolean {
  startup = startRequests();
  // a rejection is handled when the provider mounts; until then it is not "unhandled"
  for (const p of [startup.meta, startup.methods, startup.me]) p?.catch(() => undefined);
  return !!startup.me;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [meta, setMeta] = useState<Meta | undefined>(undefined);
  const [metaError, setMetaError] = useState<unknown>(undefined);
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);
  const [methods, setMethods] = useState<AuthMethods | undefined>(undefined);

  useEffect(() => {
    const first = startup ?? startRequests();
    startup = undefined;
    first.meta.then(setMeta, setMetaError);
    // without an answer the password form stays, as before sign-on existed
    first.methods.then(setMethods, () => setMethods({ password: "all", oidc: false }));
    // Without a hint of a session nobody is logged in: no probe, so the login page causes no 401.
    if (!first.me) {
      setMe(null);
      return;
    }
    first.me.then(
      (m) => {
        setCsrfToken(m.csrfToken ?? null);
        setMe(m);
      },
      () => {
        sessionHint(false);
        setMe(null);
      },
    );
  }, []);

  useEffect(
    () =>
      onUnauthorized(() => {
        sessionHint(false);
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
    sessionHint(true);
    setExpired(false);
    setMe(m);
    return m;
  }, []);

  const logout = useCallback(async () => {
    closeLive();
    try {
      await request("logout", {}, { quiet401: true });
    } finally {
      sessionHint(false);
      setCsrfToken(null);
      setMe(null);
    }
  }, []);

  const value = useMemo(() => ({ meta, metaError, methods, me, login, logout, expired }), [meta, metaError, methods, me, login, logout, expired]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

// The session cookie is HttpOnly: the page cannot see it. It keeps a hint instead (this browser's storage,
// shared by its tabs) that a session was opened here, and asks the service who is logged in only then.
const HINT_KEY = "anker.session";

/** Read the hint (`set` undefined), or set or clear it; storage that is blocked counts as "maybe". */
function sessionHint(set: boolean | undefined): boolean {
  try {
    if (set === true) localStorage.setItem(HINT_KEY, "1");
    else if (set === false) localStorage.removeItem(HINT_KEY);
    return localStorage.getItem(HINT_KEY) === "1";
  } catch {
    return true;
  }
}

/** Sign-on through the identity provider starts: the browser comes back with a session to ask for. */
export function expectSession(): void {
  sessionHint(true);
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error("SessionProvider missing");
  return s;
}

/** A path of this app to return to after signing in, or undefined (absolute or protocol-relative addresses never). */
export function safeReturnTo(value: string | null | undefined): string | undefined {
  if (!value || value.length > 2000 || !/^\/([^/\\\s][^\s\\]*)?$/.test(value) || value.startsWith("/login")) return undefined;
  return value;
}

/** Where the browser starts the sign-on at the agency's identity provider, coming back to `returnTo`. */
export function signOnUrl(returnTo: string | undefined): string {
  return urlOf("startOidcSignOn", { query: { returnTo: returnTo ?? "/" } });
}

/**
 * A member agency's name for people: the pilots by their short name (i18n words), any later member by the
 * name it joined with on chain (meta.members), never its raw key where a name is known.
 */
export function agencyLabel(meta: Meta | undefined, key: string, short: (k: "BAMF" | "ZAB") => string): string {
  if (key === "BAMF" || key === "ZAB") return short(key);
  return meta?.members.find((m) => m.agency === key)?.name ?? key;
}

/** What a role may open. Person data and recording are for clerks; the audit view for auditors and admins. */
export function can(me: Me | null | undefined, meta: Meta | undefined, what: "inbox" | "cases" | "record" | "allocation" | "dashboard" | "audit" | "personalData" | "admin"): boolean {
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
      // the central immigration authority allocates (the ZAB Saxony is one), whatever its key; a district
      // authority sees the allocations it received (pages/DistrictAllocations.tsx)
      return me.role === "clerk" && (meta?.agencyType === "CENTRAL_AUTHORITY" || meta?.agencyType === "DISTRICT_AUTHORITY");
    case "audit":
      return me.role === "auditor" || me.role === "admin";
    case "admin":
      return me.role === "admin";
  }
}
