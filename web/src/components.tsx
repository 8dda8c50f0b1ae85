// Small building blocks shared by the pages: messages (status and alerts), page headings that take the
// focus after navigation, proof badges, hashes, form fields with their labels and errors.
import { useEffect, useId, useRef, type ReactNode } from "react";
import { errorText } from "./api";
import { useI18n } from "./i18n";

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

/** Feedback for an action: success/info politely announced, errors as an alert. */
export function Message({ kind, children }: { kind: "success" | "info" | "error" | "warning"; children: ReactNode }) {
  if (kind === "error")
    return (
      <div className="msg msg-error" role="alert">
        {children}
      </div>
    );
  return (
    <div className={`msg msg-${kind}`} role="status">
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
