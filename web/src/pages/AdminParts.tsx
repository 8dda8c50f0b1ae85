// Building blocks of the admin area: a secret shown once (token, webhook secret) with a copy button and a
// warning, an action that asks before it acts (revoke, disable, rotate), and feedback that takes the focus,
// so keyboard and screen-reader users learn the outcome where they are.
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { useI18n } from "../i18n";

/** A secret the service returns once: the heading takes the focus, the value sits in a read-only field. */
export function OneTimeSecret({
  title,
  label,
  value,
  warning,
  onDone,
  testId,
}: {
  title: string;
  label: string;
  value: string;
  warning: string;
  onDone: () => void;
  testId: string;
}) {
  const { t } = useI18n();
  const id = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<"" | "ok" | "failed">("");
  useEffect(() => heading.current?.focus(), [value]);
  const doCopy = async () => {
    field.current?.select();
    try {
      await navigator.clipboard.writeText(value);
      setCopy("ok");
    } catch {
      setCopy("failed");
    }
  };
  return (
    <section className="card one-time-secret" aria-labelledby={`${id}-title`} data-testid={testId}>
      <h2 id={`${id}-title`} tabIndex={-1} ref={heading}>
        {title}
      </h2>
      <div className="msg msg-warning" id={`${id}-warn`}>
        <strong>{warning}</strong>
      </div>
      <div className="field">
        <label htmlFor={`${id}-value`}>{label}</label>
        <input
          id={`${id}-value`}
          ref={field}
          type="text"
          readOnly
          value={value}
          className="secret-value"
          aria-describedby={`${id}-warn`}
          onFocus={(e) => e.currentTarget.select()}
          spellCheck={false}
          autoComplete="off"
        />
      </div>
      <div className="actions">
        <button type="button" className="btn btn-primary" onClick={doCopy}>
          {t("admin_copy")}
        </button>
        <button type="button" className="btn btn-secondary" onClick={onDone}>
          {t("admin_secretSaved")}
        </button>
      </div>
      <p role="status" className="small">
        {copy === "ok" ? t("admin_copied") : copy === "failed" ? t("admin_copyFailed") : ""}
      </p>
    </section>
  );
}

/** A button that first asks: the question and the two answers appear in its place, "yes" focused. */
export function ConfirmAction({
  label,
  question,
  yes,
  onConfirm,
  busy,
  extraLabel,
}: {
  label: string;
  question: string;
  yes: string;
  onConfirm: () => void;
  busy?: boolean;
  extraLabel?: string;
}) {
  const { t } = useI18n();
  const [asking, setAsking] = useState(false);
  const yesRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  useEffect(() => {
    if (asking) yesRef.current?.focus();
    else if (wasAsking.current) openRef.current?.focus();
    wasAsking.current = asking;
  }, [asking]);
  if (!asking)
    return (
      <button type="button" className="btn btn-secondary btn-small" ref={openRef} onClick={() => setAsking(true)} disabled={busy}>
        {label}
        {extraLabel ? <span className="sr-only"> {extraLabel}</span> : null}
      </button>
    );
  return (
    <div role="group" aria-label={label} className="confirm">
      <p>{question}</p>
      <div className="actions">
        <button
          type="button"
          className="btn btn-danger btn-small"
          ref={yesRef}
          onClick={() => {
            wasAsking.current = false;
            setAsking(false);
            onConfirm();
          }}
        >
          {yes}
        </button>
        <button type="button" className="btn btn-secondary btn-small" onClick={() => setAsking(false)}>
          {t("admin_cancel")}
        </button>
      </div>
    </div>
  );
}

/** The outcome of an action: announced, and focused so that the next Tab continues from here. */
export function Outcome({ kind, children }: { kind: "success" | "error"; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), [children]);
  return (
    <div ref={ref} tabIndex={-1} className={`msg msg-${kind}`} role={kind === "error" ? "alert" : "status"} data-testid="admin-outcome">
      {children}
    </div>
  );
}
