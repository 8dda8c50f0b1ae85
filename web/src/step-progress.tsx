// Following a recorded step live: queued -> submitted -> confirmed (or failed), read again whenever the live
// stream says the step moved on (no polling).
import { useEffect, useState } from "react";
import type { StepStatus } from "../../services/shared/contract";
import { errorText, request } from "./api";
import { Hash, Message } from "./components";
import { useI18n } from "./i18n";
import { useLiveEvent } from "./hooks";

/** An RFC 4122 v4 UUID, also outside secure contexts (where crypto.randomUUID is missing). */
export function newEventId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function useStepStatus(eventId: string | undefined): { status: StepStatus | undefined; error: unknown } {
  const [status, setStatus] = useState<StepStatus | undefined>();
  const [error, setError] = useState<unknown>();
  const [asked, setAsked] = useState(0);
  const ask = () => setAsked((n) => n + 1);
  // The stream says when the step moved on (and a reconnect, after which it may have moved unseen).
  useLiveEvent("step", (s) => {
    if (s.eventId === eventId) ask();
  });
  useLiveEvent("ready", ask);
  useLiveEvent("resync", ask);
  useEffect(() => {
    setStatus(undefined);
    setError(undefined);
  }, [eventId]);
  useEffect(() => {
    if (!eventId) return;
    let stopped = false;
    request("getStepStatus", { params: { eventId } }).then(
      (s) => {
        if (stopped) return;
        setStatus(s);
        setError(undefined);
      },
      (err: unknown) => {
        if (!stopped) setError(err);
      },
    );
    return () => {
      stopped = true;
    };
  }, [eventId, asked]);
  return { status, error };
}

const ORDER = ["queued", "submitted", "confirmed"] as const;

export function StepProgress({ eventId, initial }: { eventId: string; initial?: StepStatus["state"] }) {
  const { t, lang, pick, fmtNumber } = useI18n();
  const { status, error } = useStepStatus(eventId);
  const state = status?.state ?? initial ?? "queued";
  const reached = state === "failed" ? -1 : ORDER.indexOf(state);
  return (
    <div className="progress card" data-testid="step-progress" data-state={state}>
      <h3>{t("stepState")}</h3>
      <ol className="progress-steps">
        {ORDER.map((s, i) => (
          <li key={s} className={i <= reached ? "done" : ""} aria-current={i === reached ? "step" : undefined}>
            <span aria-hidden="true">{i <= reached ? "● " : "○ "}</span>
            {t(`state_${s}`)}
          </li>
        ))}
      </ol>
      <div role="status" aria-live="polite">
        {state === "confirmed" && status?.blockNumber != null ? (
          <Message kind="success">
            {t("stepConfirmed", { block: fmtNumber(status.blockNumber) })} {t("tx")}: <Hash value={status.txHash} />
          </Message>
        ) : state === "failed" ? null : (
          <p className="muted">{t(`state_${state}`)} …</p>
        )}
      </div>
      {state === "failed" ? <Message kind="error">{t("stepFailed", { reason: status?.failureReason ? pick(status.failureReason) : t("err_generic") })}</Message> : null}
      {error ? <Message kind="error">{errorText(error, lang, t)}</Message> : null}
    </div>
  );
}
