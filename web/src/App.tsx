// The shell: providers, skip link, header (agency, user, language, logout), navigation, the stop banner
// that no page can hide, main content by route, footer.
import { useEffect, useRef, useState, type ReactNode } from "react";
import { I18nProvider, useI18n } from "./i18n";
import { RouterProvider, useRouter, Link, match } from "./router";
import { SessionProvider, useSession, can } from "./session";
import { useLoad } from "./hooks";
import { loadOpenStops } from "./model";
import { ErrorMessage, Loading, Message, PageTitle, StopIcon } from "./components";
import { LoginPage } from "./pages/Login";
import { InboxPage } from "./pages/Inbox";
import { CasesPage } from "./pages/Cases";
import { TimelinePage } from "./pages/Timeline";
import { RecordStepPage } from "./pages/RecordStep";
import { AllocationPage } from "./pages/Allocation";
import { DashboardPage } from "./pages/Dashboard";
import { AuditPage } from "./pages/Audit";

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
  return role === "clerk" ? "/inbox" : "/audit";
}

function Shell() {
  const { t, pick } = useI18n();
  const { meta, metaError, me, logout } = useSession();
  const { path, navigate } = useRouter();
  const [logoutMsg, setLogoutMsg] = useState(false);

  useEffect(() => {
    if (me === null && path !== "/login") navigate("/login", { replace: true });
    if (me && (path === "/login" || path === "/")) navigate(homeFor(me.role), { replace: true });
  }, [me, path, navigate]);

  const agencyName = meta ? pick(meta.agencyName) || t(`agency_${meta.agency}`) : "";
  const nav: { href: string; label: string; show: boolean }[] = [
    { href: "/inbox", label: t("nav_inbox"), show: can(me, meta, "inbox") },
    { href: "/cases", label: t("nav_cases"), show: can(me, meta, "cases") },
    { href: "/allocation", label: t("nav_allocation"), show: can(me, meta, "allocation") },
    { href: "/dashboard", label: t("nav_dashboard"), show: can(me, meta, "dashboard") },
    { href: "/audit", label: t("nav_audit"), show: can(me, meta, "audit") },
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
                      </Link>
                    </li>
                  );
                })}
            </ul>
          </nav>
        ) : null}
      </header>
      {meta?.demoMode ? <p className="demo-ribbon">{t("demoBadge")}</p> : null}
      {me && can(me, meta, "inbox") ? <StopBanner /> : null}
      <main id="main" tabIndex={-1}>
        {metaError ? <ErrorMessage error={metaError} /> : null}
        {logoutMsg && me === null ? <Message kind="info">{t("loggedOut")}</Message> : null}
        {me === undefined ? <Loading /> : <Routes />}
      </main>
      <footer className="site-footer">
        <p>{t("footer")}</p>
        {meta ? <p className="small">Code-Liste / code list {meta.codeListVersion}</p> : null}
      </footer>
    </>
  );
}

/** Open repatriation warnings, on every page, until acknowledged in the inbox. */
function StopBanner() {
  const { t } = useI18n();
  const { path } = useRouter();
  const { data } = useLoad(loadOpenStops, [], 2000);
  const open = data ?? [];
  const prev = useRef(0);
  const [announce, setAnnounce] = useState("");
  useEffect(() => {
    if (open.length > prev.current) setAnnounce(t("newStopAnnounce"));
    prev.current = open.length;
  }, [open.length, t]);
  return (
    <>
      <div className="sr-only" aria-live="assertive">
        {announce}
      </div>
      {open.length > 0 ? (
        <section className="stop-banner" aria-labelledby="stop-banner-title" data-testid="stop-banner">
          <h2 id="stop-banner-title">
            <StopIcon />
            {t("stopBanner", { count: open.length })}
          </h2>
          {path !== "/inbox" ? <Link href="/inbox">{t("stopBannerLink")}</Link> : null}
        </section>
      ) : null}
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
  let m = match("/cases/:ref/record", path);
  if (m) return <Guard allowed={can(me, meta, "record")}><RecordStepPage caseRef={m.ref} /></Guard>;
  m = match("/cases/:ref", path);
  if (m) return <Guard allowed={can(me, meta, "cases")}><TimelinePage caseRef={m.ref} /></Guard>;
  if (path === "/allocation") return <Guard allowed={can(me, meta, "allocation")}><AllocationPage /></Guard>;
  if (path === "/dashboard") return <DashboardPage />;
  if (path === "/audit") return <Guard allowed={can(me, meta, "audit")}><AuditPage /></Guard>;
  return (
    <>
      <PageTitle>{t("notFoundTitle")}</PageTitle>
      <p>{t("notFoundText")}</p>
    </>
  );
}
