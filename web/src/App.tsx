// The shell: providers, skip link, header (agency, user, language, logout), navigation, the stop banner
// that no page can hide, main content by route, footer.
import { lazy, Suspense, useEffect, useRef, useState, type ReactNode } from "react";
import { I18nProvider, useI18n } from "./i18n";
import { RouterProvider, useRouter, Link, match } from "./router";
import { SessionProvider, useSession, can, safeReturnTo } from "./session";
import { connectLive } from "./live";
import { ErrorMessage, Loading, Message, PageTitle, StopBanner } from "./components";
import { LoginPage } from "./pages/Login";
import { HeaderSearch, NavCount } from "./header-search";
import { request } from "./api";
import { useLoad } from "./hooks";

// Each page is its own chunk, loaded when first opened: the login needs none of them, and the charts
// library only the dashboard. main.tsx starts loading the chunk of the address opened, in parallel with
// the first API requests, instead of after the first render.
const PAGES = {
  inbox: () => import("./pages/Inbox"),
  cases: () => import("./pages/Cases"),
  timeline: () => import("./pages/Timeline"),
  record: () => import("./pages/RecordStep"),
  allocation: () => import("./pages/Allocation"),
  districtAllocations: () => import("./pages/DistrictAllocations"),
  dashboard: () => import("./pages/Dashboard"),
  audit: () => import("./pages/Audit"),
  search: () => import("./pages/Search"),
  deadlines: () => import("./pages/Deadlines"),
  print: () => import("./pages/PrintTimeline"),
  admin: () => import("./pages/Admin"),
};

/** Start loading the page chunk for `path` (a logged-in person opening an address directly). */
export function prefetchPage(path: string): void {
  const [first, , sub] = path.split("/").filter(Boolean);
  const key = first === "cases" && path.split("/").filter(Boolean).length > 1 ? (sub === "record" ? "record" : sub === "print" ? "print" : "timeline") : first;
  if (key && key in PAGES) void PAGES[key as keyof typeof PAGES]().catch(() => undefined);
}

const InboxPage = lazy(() => PAGES.inbox().then((m) => ({ default: m.InboxPage })));
const CasesPage = lazy(() => PAGES.cases().then((m) => ({ default: m.CasesPage })));
const TimelinePage = lazy(() => PAGES.timeline().then((m) => ({ default: m.TimelinePage })));
const RecordStepPage = lazy(() => PAGES.record().then((m) => ({ default: m.RecordStepPage })));
const AllocationPage = lazy(() => PAGES.allocation().then((m) => ({ default: m.AllocationPage })));
const DistrictAllocationsPage = lazy(() => PAGES.districtAllocations().then((m) => ({ default: m.DistrictAllocationsPage })));
const DashboardPage = lazy(() => PAGES.dashboard().then((m) => ({ default: m.DashboardPage })));
const AuditPage = lazy(() => PAGES.audit().then((m) => ({ default: m.AuditPage })));
const SearchPage = lazy(() => PAGES.search().then((m) => ({ default: m.SearchPage })));
const DeadlinesPage = lazy(() => PAGES.deadlines().then((m) => ({ default: m.DeadlinesPage })));
const PrintTimelinePage = lazy(() => PAGES.print().then((m) => ({ default: m.PrintTimelinePage })));
const AdminPage = lazy(() => PAGES.admin().then((m) => ({ default: m.AdminPage })));

export function App() {
  return (
    <I18nProvider>
      <RouterProvider>
        <SessionProvider>
          <Shell />
        </SessionProvider>
      </RouterProvider>
    </I18nProvider>
  );
}

function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  const other = lang === "de" ? "en" : "de";
  return (
    <button type="button" className="btn btn-secondary lang-switch" lang={other} aria-label={t("switchLanguageLabel")} onClick={() => setLang(other)} data-testid="lang-switch">
      {t("switchLanguage")}
    </button>
  );
}

function homeFor(role: string | undefined): string {
  return role === "clerk" ? "/inbox" : role === "admin" ? "/admin" : "/audit";
}

function Shell() {
  const { t, pick, agency } = useI18n();
  const { meta, metaError, methods, me, logout, expired } = useSession();
  const { path, search, navigate } = useRouter();
  const [logoutMsg, setLogoutMsg] = useState(false);
  const wasLoggedIn = useRef(false);
  const loggedIn = !!me;
  // One live connection while logged in (live.ts); pages and the banner subscribe to it.
  useEffect(() => (loggedIn ? connectLive() : undefined), [loggedIn]);
  const showBanner = !!me && can(me, meta, "inbox");
  // The page waits for the banner's first answer, so that the banner never pushes a shown page down.
  const [bannerReady, setBannerReady] = useState(false);
  useEffect(() => {
    if (!showBanner) setBannerReady(false);
  }, [showBanner]);
  // The open counts next to the navigation entries, read before the shell shows (a badge that arrives
  // later widens the navigation and moves what follows).
  const counts = useLoad(() => (showBanner ? request("getNotificationCounts", {}) : Promise.resolve(undefined)), [showBanner], ["notification", "acknowledged"]);
  // Until who is logged in, the agency and (for those who get them) the banner and counts are known, only
  // "loading" is shown: header, ribbon, banner and page then appear together and nothing moves.
  const booting = me === undefined || (!meta && !metaError) || (me === null && !methods) || (showBanner && (!bannerReady || (counts.data === undefined && !counts.error)));

  useEffect(() => {
    // After an expired session, or when a link was opened without one, signing in returns to that page;
    // after a logout it does not (the next person starts at their home page).
    if (me) wasLoggedIn.current = true;
    const keepPage = (expired || !wasLoggedIn.current) && path !== "/";
    if (me === null && path !== "/login") navigate(keepPage ? `/login?${new URLSearchParams({ returnTo: path + window.location.search })}` : "/login", { replace: true });
    if (me && (path === "/login" || path === "/")) navigate(safeReturnTo(search.get("returnTo")) ?? homeFor(me.role), { replace: true });
  }, [me, path, search, navigate, expired]);

  const agencyName = meta ? pick(meta.agencyName) || agency(meta.agency) : "";
  const nav: { href: string; label: string; show: boolean; count?: ReactNode }[] = [
    { href: "/inbox", label: t("nav_inbox"), show: can(me, meta, "inbox"), count: <NavCount n={counts.data?.unacknowledged} what="inbox" /> },
    { href: "/cases", label: t("nav_cases"), show: can(me, meta, "cases") },
    { href: "/deadlines", label: t("nav_deadlines"), show: can(me, meta, "cases") },
    { href: "/allocation", label: t("nav_allocation"), show: can(me, meta, "allocation"), count: <NavCount n={counts.data?.allocationDue} what="allocation" /> },
    { href: "/dashboard", label: t("nav_dashboard"), show: can(me, meta, "dashboard") },
    { href: "/audit", label: t("nav_audit"), show: can(me, meta, "audit") },
    { href: "/admin", label: t("nav_admin"), show: can(me, meta, "admin") },
  ];

  // The slots keep their places while booting (null), so the banner is not mounted anew when it shows.
  return (
    <>
      {booting ? null : (
        <a className="skip-link" href="#main">
          {t("skipToContent")}
        </a>
      )}
      {booting ? null : (
        <header className="site-header">
          <div className="header-inner">
            <div className="brand">
              <span className="brand-name">{t("appName")}</span>
              {meta ? <span className="brand-agency">{agencyName}</span> : null}
            </div>
            {me && can(me, meta, "cases") ? <HeaderSearch auditor={!can(me, meta, "personalData")} /> : null}
            <div className="header-tools">
              {me ? (
                <>
                  <span className="who" data-testid="who">
                    {t("loggedInAs", { name: me.displayName ?? me.username ?? me.clientName ?? "", role: t(`role_${me.role}`) })}
                  </span>
                  <button
                    type="button"
                    className="btn btn-secondary"
                    onClick={async () => {
                      await logout().catch(() => undefined);
                      setLogoutMsg(true);
                    }}
                  >
                    {t("logout")}
                  </button>
                </>
              ) : null}
              <LanguageSwitch />
            </div>
          </div>
          {me ? (
            <nav aria-label={t("mainNav")} className="main-nav">
              <ul>
                {nav
                  .filter((n) => n.show)
                  .map((n) => {
                    const active = path === n.href || path.startsWith(n.href + "/");
                    return (
                      <li key={n.href}>
                        <Link href={n.href} aria-current={active ? "page" : undefined}>
                          {n.label}
                          {n.count}
                        </Link>
                      </li>
                    );
                  })}
              </ul>
            </nav>
          ) : null}
          {meta?.demoMode ? <p className="demo-ribbon">{t("demoBadge")}</p> : null}
        </header>
      )}
      {showBanner ? <StopBanner auditor={me?.role !== "clerk"} hidden={booting} onReady={() => setBannerReady(true)} /> : null}
      {/* no <main> while booting: an element shown then would be moved down by the header (layout shift) */}
      {booting ? (
        <Loading />
      ) : (
        <main id="main" tabIndex={-1}>
          {metaError ? <ErrorMessage error={metaError} /> : null}
          {logoutMsg && me === null ? <Message kind="info">{t("loggedOut")}</Message> : null}
          <Suspense fallback={<Loading />}>
            <Routes />
          </Suspense>
        </main>
      )}
      {booting ? null : (
        <footer className="site-footer">
          <p>{t("footer")}</p>
          {meta ? (
            <p className="small">
              {t("codeList")} {meta.codeListVersion}
            </p>
          ) : null}
        </footer>
      )}
    </>
  );
}

function Guard({ allowed, children }: { allowed: boolean; children: ReactNode }) {
  const { t } = useI18n();
  if (!allowed)
    return (
      <>
        <PageTitle>{t("err_403")}</PageTitle>
        <Message kind="error">{t("forbiddenPage")}</Message>
      </>
    );
  return <>{children}</>;
}

function Routes() {
  const { path } = useRouter();
  const { me, meta } = useSession();
  const { t } = useI18n();
  if (path === "/login" || !me) return <LoginPage />;
  if (path === "/") return <Loading />;
  if (path === "/inbox")
    return (
      <Guard allowed={can(me, meta, "inbox")}>
        <InboxPage />
      </Guard>
    );
  if (path === "/cases")
    return (
      <Guard allowed={can(me, meta, "cases")}>
        <CasesPage />
      </Guard>
    );
  if (path === "/search")
    return (
      <Guard allowed={can(me, meta, "cases")}>
        <SearchPage />
      </Guard>
    );
  if (path === "/deadlines")
    return (
      <Guard allowed={can(me, meta, "cases")}>
        <DeadlinesPage />
      </Guard>
    );
  let m = match("/cases/:ref/record", path);
  if (m)
    return (
      <Guard allowed={can(me, meta, "record")}>
        <RecordStepPage caseRef={m.ref} />
      </Guard>
    );
  m = match("/cases/:ref/print", path);
  if (m)
    return (
      <Guard allowed={can(me, meta, "cases")}>
        <PrintTimelinePage caseRef={m.ref} />
      </Guard>
    );
  m = match("/cases/:ref", path);
  if (m)
    return (
      <Guard allowed={can(me, meta, "cases")}>
        <TimelinePage caseRef={m.ref} />
      </Guard>
    );
  if (path === "/allocation")
    return (
      <Guard allowed={can(me, meta, "allocation")}>
        {/* one address, two pages: the central authority allocates, a district sees what it received */}
        {meta?.agencyType === "DISTRICT_AUTHORITY" ? <DistrictAllocationsPage /> : <AllocationPage />}
      </Guard>
    );
  if (path === "/dashboard") return <DashboardPage />;
  if (path === "/audit")
    return (
      <Guard allowed={can(me, meta, "audit")}>
        <AuditPage />
      </Guard>
    );
  if (path === "/admin" || path.startsWith("/admin/"))
    return (
      <Guard allowed={can(me, meta, "admin")}>
        <AdminPage />
      </Guard>
    );
  return (
    <>
      <PageTitle>{t("notFoundTitle")}</PageTitle>
      <p>{t("notFoundText")}</p>
    </>
  );
}
