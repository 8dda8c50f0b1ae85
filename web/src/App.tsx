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

// Each page is its own chunk, loaded when first opened: the login needs none of them, and the charts
// library only the dashboard.
const InboxPage = lazy(() => import("./pages/Inbox").then((m) => ({ default: m.InboxPage })));
const CasesPage = lazy(() => import("./pages/Cases").then((m) => ({ default: m.CasesPage })));
const TimelinePage = lazy(() => import("./pages/Timeline").then((m) => ({ default: m.TimelinePage })));
const RecordStepPage = lazy(() => import("./pages/RecordStep").then((m) => ({ default: m.RecordStepPage })));
const AllocationPage = lazy(() => import("./pages/Allocation").then((m) => ({ default: m.AllocationPage })));
const DashboardPage = lazy(() => import("./pages/Dashboard").then((m) => ({ default: m.DashboardPage })));
const AuditPage = lazy(() => import("./pages/Audit").then((m) => ({ default: m.AuditPage })));
const SearchPage = lazy(() => import("./pages/Search").then((m) => ({ default: m.SearchPage })));
const DeadlinesPage = lazy(() => import("./pages/Deadlines").then((m) => ({ default: m.DeadlinesPage })));
const PrintTimelinePage = lazy(() => import("./pages/PrintTimeline").then((m) => ({ default: m.PrintTimelinePage })));
const AdminPage = lazy(() => import("./pages/Admin").then((m) => ({ default: m.AdminPage })));

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
  const { t, pick } = useI18n();
  const { meta, metaError, me, logout, expired } = useSession();
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

  useEffect(() => {
    // After an expired session, or when a link was opened without one, signing in returns to that page;
    // after a logout it does not (the next person starts at their home page).
    if (me) wasLoggedIn.current = true;
    const keepPage = (expired || !wasLoggedIn.current) && path !== "/";
    if (me === null && path !== "/login") navigate(keepPage ? `/login?${new URLSearchParams({ returnTo: path + window.location.search })}` : "/login", { replace: true });
    if (me && (path === "/login" || path === "/")) navigate(safeReturnTo(search.get("returnTo")) ?? homeFor(me.role), { replace: true });
  }, [me, path, search, navigate, expired]);

  const agencyName = meta ? pick(meta.agencyName) || t(`agency_${meta.agency}`) : "";
  const nav: { href: string; label: string; show: boolean; count?: ReactNode }[] = [
    { href: "/inbox", label: t("nav_inbox"), show: can(me, meta, "inbox"), count: <NavCount what="inbox" /> },
    { href: "/cases", label: t("nav_cases"), show: can(me, meta, "cases") },
    { href: "/deadlines", label: t("nav_deadlines"), show: can(me, meta, "cases") },
    { href: "/allocation", label: t("nav_allocation"), show: can(me, meta, "allocation"), count: <NavCount what="allocation" /> },
    { href: "/dashboard", label: t("nav_dashboard"), show: can(me, meta, "dashboard") },
    { href: "/audit", label: t("nav_audit"), show: can(me, meta, "audit") },
    { href: "/admin", label: t("nav_admin"), show: can(me, meta, "admin") },
  ];

  return (
    <>
      <a className="skip-link" href="#main">
        {t("skipToContent")}
      </a>
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
      {showBanner ? <StopBanner auditor={me?.role !== "clerk"} onReady={() => setBannerReady(true)} /> : null}
      <main id="main" tabIndex={-1}>
        {metaError ? <ErrorMessage error={metaError} /> : null}
        {logoutMsg && me === null ? <Message kind="info">{t("loggedOut")}</Message> : null}
        {me === undefined || (!meta && !metaError) || (showBanner && !bannerReady) ? (
          <Loading />
        ) : (
          <Suspense fallback={<Loading />}>
            <Routes />
          </Suspense>
        )}
      </main>
      <footer className="site-footer">
        <p>{t("footer")}</p>
        {meta ? (
          <p className="small">
            {t("codeList")} {meta.codeListVersion}
          </p>
        ) : null}
      </footer>
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
  if (path === "/" ) return <Loading />;
  if (path === "/inbox") return <Guard allowed={can(me, meta, "inbox")}><InboxPage /></Guard>;
  if (path === "/cases") return <Guard allowed={can(me, meta, "cases")}><CasesPage /></Guard>;
  if (path === "/search") return <Guard allowed={can(me, meta, "cases")}><SearchPage /></Guard>;
  if (path === "/deadlines") return <Guard allowed={can(me, meta, "cases")}><DeadlinesPage /></Guard>;
  let m = match("/cases/:ref/record", path);
  if (m) return <Guard allowed={can(me, meta, "record")}><RecordStepPage caseRef={m.ref} /></Guard>;
  m = match("/cases/:ref/print", path);
  if (m) return <Guard allowed={can(me, meta, "cases")}><PrintTimelinePage caseRef={m.ref} /></Guard>;
  m = match("/cases/:ref", path);
  if (m) return <Guard allowed={can(me, meta, "cases")}><TimelinePage caseRef={m.ref} /></Guard>;
  if (path === "/allocation") return <Guard allowed={can(me, meta, "allocation")}><AllocationPage /></Guard>;
  if (path === "/dashboard") return <DashboardPage />;
  if (path === "/audit") return <Guard allowed={can(me, meta, "audit")}><AuditPage /></Guard>;
  if (path === "/admin" || path.startsWith("/admin/")) return <Guard allowed={can(me, meta, "admin")}><AdminPage /></Guard>;
  return (
    <>
      <PageTitle>{t("notFoundTitle")}</PageTitle>
      <p>{t("notFoundText")}</p>
    </>
  );
}
