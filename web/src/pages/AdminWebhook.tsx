// The webhook of the specialist application: where it points and where that comes from (admin area or the
// WEBHOOK_URL setting), set the URL, rotate the signing secret (asked first). A new secret is shown once.
import { useEffect, useState, type FormEvent } from "react";
import { errorText, request } from "../api";
import { ErrorMessage, Field, Loading } from "../components";
import { useLoad } from "../hooks";
import { useI18n } from "../i18n";
import { ConfirmAction, OneTimeSecret, Outcome } from "./AdminParts";

export function AdminWebhook() {
  const { t, lang, fmtDateTime } = useI18n();
  const info = useLoad(() => request("getWebhook", {}), []);
  const [url, setUrl] = useState("");
  const [secret, setSecret] = useState<string | undefined>();
  const [outcome, setOutcome] = useState<{ kind: "success" | "error"; text: string } | undefined>();
  const [sending, setSending] = useState(false);
  const w = info.data;
  useEffect(() => {
    if (w?.url) setUrl(w.url);
  }, [w?.url]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setSending(true);
    try {
      const r = await request("setWebhookEndpoint", { body: { url } });
      if (r.secret) setSecret(r.secret);
      setOutcome({ kind: "success", text: t("admin_urlSaved") });
      await info.reload();
    } catch (err) {
      setOutcome({ kind: "error", text: errorText(err, lang, t) });
    } finally {
      setSending(false);
    }
  };
  const rotate = async () => {
    setSending(true);
    setOutcome(undefined);
    try {
      const r = await request("rotateWebhookSecret", {});
      setSecret(r.secret);
      await info.reload();
    } catch (err) {
      setOutcome({ kind: "error", text: errorText(err, lang, t) });
    } finally {
      setSending(false);
    }
  };

  return (
    <section aria-labelledby="admin-webhook-title">
      <h2 id="admin-webhook-title">{t("admin_tab_webhook")}</h2>
      <p>{t("admin_webhookIntro")}</p>
      {secret ? (
        <OneTimeSecret
          testId="one-time-secret"
          title={t("admin_secretTitle")}
          label={t("admin_secretLabel")}
          value={secret}
          warning={t("admin_secretWarning")}
          onDone={() => setSecret(undefined)}
        />
      ) : null}
      {outcome ? <Outcome kind={outcome.kind}>{outcome.text}</Outcome> : null}
      <ErrorMessage error={info.error} />
      {info.loading && !w ? <Loading /> : null}
      {w ? (
        <div className="card" data-testid="webhook-info">
          <dl className="kv">
            <dt>{t("admin_webhookUrl")}</dt>
            <dd className="break">{w.url ? <code>{w.url}</code> : t("none")}</dd>
            <dt>{t("admin_source")}</dt>
            <dd>{t(`admin_source_${w.source}`)}</dd>
            <dt>{t("admin_secret")}</dt>
            <dd>{w.secretSet ? t("admin_secretSet") : t("none")}</dd>
            <dt>{t("admin_updatedAt")}</dt>
            <dd>{fmtDateTime(w.updatedAt)}</dd>
          </dl>
          <p className="small muted">{t("admin_restartNote")}</p>
          <form className="form" onSubmit={save}>
            <Field label={t("admin_webhookUrl")} hint={t("admin_webhookUrlHint")} required>
              {(p) => (
                <input {...p} type="url" inputMode="url" autoComplete="off" value={url} onChange={(e) => setUrl(e.target.value)} className="wide-input" />
              )}
            </Field>
            <div className="actions">
              <button type="submit" className="btn btn-primary" disabled={sending}>
                {t("admin_saveUrl")}
              </button>
              {w.secretSet ? (
                <ConfirmAction
                  label={t("admin_rotateSecret")}
                  question={t("admin_confirmRotateSecret")}
                  yes={t("admin_yesRotate")}
                  busy={sending}
                  onConfirm={() => void rotate()}
                />
              ) : null}
            </div>
          </form>
        </div>
      ) : null}
    </section>
  );
}
