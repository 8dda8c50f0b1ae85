// Small building blocks shared by the pages: messages (status and alerts), page headings that take the
// focus after navigation, proof badges, hashes, form fields with their labels and errors, and the stop
// banner with its live announcement.
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { errorText } from "./api";
import { useLiveEvent, useLoad } from "./hooks";
import { useI18n, type T } from "./i18n";
import { loadOpenStops, type Notice } from "./model";
import { Link } from "./router";

/** The page's h1: receives the focus after a route change, so screen readers announce the new page. */
export function PageTitle({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  const { t } = useI18n();
  useEffect(() => {
    const text = ref.current?.textContent ?? "";
    document.title = `${text} – ${t("appName")}`;
  }, [children, t]);
  useEffect(() => {
    // Only after in-app navigation: on the first load the browser keeps its own start point.
    if (document.body.dataset.navigated === "1") ref.current?.focus();
    document.body.dataset.navigated = "1";
  }, []);
  return (
    <h1 id="page-title" tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

/**
 * Feedback for an action: success/info politely announced, errors as an alert. `focus`: the message takes
 * the focus when it appears (the answer to what the person just did, e.g. a failed login).
 */
export function Message({ kind, children, focus }: { kind: "success" | "info" | "error" | "warning"; children: ReactNode; focus?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, [focus]);
  if (kind === "error")
    return (
      <div className="msg msg-error" role="alert" ref={ref} tabIndex={focus ? -1 : undefined}>
        {children}
      </div>
    );
  return (
    <div className={`msg msg-${kind}`} role="status" ref={ref} tabIndex={focus ? -1 : undefined}>
      {children}
    </div>
  );
}

export function ErrorMessage({ error }: { error: unknown }) {
  const { t, lang } = useI18n();
  if (!error) return null;
  return <Message kind="error">{errorText(error, lang, t)}</Message>;
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      {t("loading")}
    </p>
  );
}

export function LastUpdate({ at }: { at: Date | undefined }) {
  const { t, fmtDateTime } = useI18n();
  if (!at) return null;
  return <p className="muted small">{t("lastUpdate", { time: fmtDateTime(at) })}</p>;
}

/** Green "verifiziert" / red "Abweichung" (with an icon and text, never colour alone). */
export function ProofBadge({ verified }: { verified: boolean | null | undefined }) {
  const { t } = useI18n();
  if (verified === true)
    return (
      <span className="badge badge-ok">
        <span aria-hidden="true">✓ </span>
        {t("verified")}
      </span>
    );
  if (verified === false)
    return (
      <span className="badge badge-bad">
        <span aria-hidden="true">✗ </span>
        {t("deviation")}
      </span>
    );
  return null;
}

export function StopBadge({ count }: { count: number }) {
  const { t } = useI18n();
  if (!count) return <span className="muted">{t("none")}</span>;
  return (
    <span className="badge badge-stop">
      <StopIcon />
      {count}
    </span>
  );
}

/** A hash, shortened for tables; the whole value stays selectable in the title and for copy. */
export function Hash({ value, full }: { value: string | null | undefined; full?: boolean }) {
  if (!value) return <span className="muted">–</span>;
  if (full || value.length <= 20) return <code className="hash">{value}</code>;
  return (
    <code className="hash" title={value}>
      {value.slice(0, 10)}…{value.slice(-8)}
    </code>
  );
}

export function Field({
  label,
  hint,
  error,
  required,
  children,
}: {
  label: string;
  hint?: string;
  error?: string;
  required?: boolean;
  children: (props: { id: string; "aria-describedby"?: string; "aria-invalid"?: boolean; required?: boolean }) => ReactNode;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errId = error ? `${id}-err` : undefined;
  const describedBy = [hintId, errId].filter(Boolean).join(" ") || undefined;
  const { t } = useI18n();
  return (
    <div className={`field${error ? " field-error" : ""}`}>
      <label htmlFor={id}>
        {label}
        {required ? <span className="req"> ({t("required")})</span> : null}
      </label>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="error-text" id={errId}>
          {error}
        </p>
      ) : null}
      {children({ id, "aria-describedby": describedBy, "aria-invalid": error ? true : undefined, required })}
    </div>
  );
}

/** A stop sign (octagon with a bar), decorative: the text next to it says what it means. */
export function StopIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <polygon points="7,1 17,1 23,7 23,17 17,23 7,23 1,17 1,7" fill="#a4161a" stroke="#fff" strokeWidth="1.5" />
      <rect x="5.5" y="10" width="13" height="4" fill="#fff" />
    </svg>
  );
}

/** How the banner and the announcement name a case: file number and name where held here, else in words. */
function caseName(n: Notice, t: T): string {
  if (n.case?.fileNumber) return n.case.name ? `${n.case.fileNumber} – ${n.case.name}` : n.case.fileNumber;
  if (n.case && !n.case.held) return `${t("caseShort", { ref: shortRef(n.caseRef) })} (${t("stopAtPartner")})`;
  return t("caseShort", { ref: shortRef(n.caseRef) });
}

const shortRef = (ref: string) => `${ref.slice(0, 10)}…`;

const BANNER_CASES = 3;

/**
 * Open repatriation stops, on every page until acknowledged in the inbox, naming the cases (links). New
 * stops pushed by the live stream are announced once each in an assertive live region; what is already
 * open when the page loads is shown, not announced. `onReady` is called after the first load, so the
 * shell can show the page below without it jumping down when the banner appears; `hidden`: not shown yet
 * (the shell shows it together with the header, which comes first).
 */
export function StopBanner({ auditor, hidden, onReady }: { auditor: boolean; hidden?: boolean; onReady?: () => void }) {
  const { t, tn } = useI18n();
  const { data } = useLoad(loadOpenStops, [], ["notification", "acknowledged"]);
  const open = data ?? [];
  const pending = useRef(new Set<number>());
  const announced = useRef(new Set<number>());
  const [announce, setAnnounce] = useState("");
  useLiveEvent("notification", (n) => {
    if (n.kind === "STOP" || n.kind === "STOP_IGNORED") pending.current.add(n.id);
  });
  const loaded = data !== undefined;
  const readyRef = useRef(onReady);
  readyRef.current = onReady;
  useEffect(() => {
    if (loaded) readyRef.current?.();
  }, [loaded]);
  useEffect(() => {
    if (!data || pending.current.size === 0) return;
    const fresh = data.filter((n) => pending.current.has(n.id) && !announced.current.has(n.id));
    if (!fresh.length) return;
    for (const n of fresh) {
      announced.current.add(n.id);
      pending.current.delete(n.id);
    }
    const names = fresh.map((n) => (auditor ? t("caseShort", { ref: shortRef(n.caseRef) }) : caseName(n, t)));
    setAnnounce(tn("newStopAnnounce", fresh.length, { cases: names.join("; ") }));
  }, [data, auditor, t, tn]);
  // One line per case: a case can have several open warnings (a stop, then a step that ignored it).
  const cases = open.filter((n, i) => open.findIndex((m) => m.caseRef === n.caseRef) === i);
  const shown = cases.slice(0, BANNER_CASES);
  const more = cases.length - shown.length;
  return (
    <>
      <div className="sr-only" aria-live="assertive" data-testid="stop-announcer">
        {announce}
      </div>
      {open.length > 0 && !hidden ? (
        <section className="stop-banner" aria-labelledby="stop-banner-title" data-testid="stop-banner">
          <h2 id="stop-banner-title">
            <StopIcon />
            {auditor ? tn("stopBannerAuditor", cases.length) : tn("stopBanner", cases.length)}
            {auditor ? null : <span className="stop-banner-hint"> – {t("stopBannerHint")}</span>}
          </h2>
          <ul className="stop-banner-cases">
            {shown.map((n) => (
              <li key={n.id}>
                <Link href={`/cases/${n.caseRef}`}>{auditor ? t("caseShort", { ref: shortRef(n.caseRef) }) : caseName(n, t)}</Link>
              </li>
            ))}
            {more > 0 ? (
              <li>
                <Link href="/inbox">{tn("stopBannerMore", more)}</Link>
              </li>
            ) : null}
          </ul>
          {auditor ? <p className="small">{t("stopBannerAuditorHint")}</p> : null}
        </section>
      ) : null}
    </>
  );
}
