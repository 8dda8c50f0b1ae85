// API clients of the specialist applications: create one, rotate its token, revoke it (both asked first).
// A new token is shown once, in a copyable field with a warning; the list never holds a token.
import { useRef, useState, type FormEvent } from "react";
import type { ClientSummary, Role } from "../../../services/shared/contract";
import { errorText, request } from "../api";
import { ErrorMessage, Field, Loading } from "../components";
import { useLoad } from "../hooks";
import { useI18n } from "../i18n";
import { ConfirmAction, OneTimeSecret, Outcome } from "./AdminParts";

const ROLE_OPTIONS: readonly Role[] = ["clerk", "auditor", "admin"];

export function AdminClients() {
  const { t, lang, fmtDateTime } = useI18n();
  const clients = useLoad(() => request("listApiClients", {}), []);
  const [issued, setIssued] = useState<{ name: string; token: string } | undefined>();
  const [outcome, setOutcome] = useState<{ kind: "success" | "error"; text: string } | undefined>();
  const [busy, setBusy] = useState<number | undefined>();
  const nameField = useRef<HTMLInputElement>(null);

  const rotate = async (c: ClientSummary) => {
    setBusy(c.id);
    setOutcome(undefined);
    try {
      const r = await request("rotateApiClientToken", { params: { id: c.id } });
      setIssued({ name: r.name, token: r.token });
      await clients.reload();
    } catch (err) {
      setOutcome({ kind: "error", text: errorText(err, lang, t) });
    } finally {
      setBusy(undefined);
    }
  };
  const revoke = async (c: ClientSummary) => {
    setBusy(c.id);
    try {
      const r = await request("revokeApiClient", { params: { id: c.id } });
      setOutcome({
        kind: "success",
        text: t("admin_clientRevoked", { name: r.name }),
      });
      await clients.reload();
    } catch (err) {
      setOutcome({ kind: "error", text: errorText(err, lang, t) });
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section aria-labelledby="admin-clients-title">
      <h2 id="admin-clients-title">{t("admin_tab_clients")}</h2>
      <p>{t("admin_clientsIntro")}</p>
      {issued ? (
        <OneTimeSecret
          testId="one-time-token"
          title={t("admin_tokenTitle", { name: issued.name })}
          label={t("admin_tokenLabel")}
          value={issued.token}
          warning={t("admin_tokenWarning")}
          onDone={() => {
            setIssued(undefined);
            nameField.current?.focus();
          }}
        />
      ) : null}
      {outcome ? <Outcome kind={outcome.kind}>{outcome.text}</Outcome> : null}
      <CreateClient
        inputRef={nameField}
        onCreated={(name, token) => {
          setOutcome(undefined);
          setIssued({ name, token });
          void clients.reload();
        }}
      />
      <ErrorMessage error={clients.error} />
      {clients.loading && !clients.data ? <Loading /> : null}
      {clients.data && clients.data.clients.length === 0 ? <p>{t("admin_noClients")}</p> : null}
      <ul className="admin-list" data-testid="client-list">
        {(clients.data?.clients ?? []).map((c) => (
          <li key={c.id} className="card admin-item" data-client={c.name} data-revoked={c.revoked ? "true" : "false"}>
            <h3>
              <code>{c.name}</code>
            </h3>
            <dl className="kv">
              <dt>{t("role")}</dt>
              <dd>{t(`role_${c.role}`)}</dd>
              <dt>{t("admin_status")}</dt>
              <dd>
                {c.revoked ? <span className="badge badge-bad">{t("admin_revokedState")}</span> : <span className="badge badge-ok">{t("admin_enabled")}</span>}
              </dd>
              <dt>{t("admin_createdAt")}</dt>
              <dd>{fmtDateTime(c.createdAt)}</dd>
              <dt>{t("admin_lastRotation")}</dt>
              <dd>{fmtDateTime(c.tokenSetAt)}</dd>
            </dl>
            {c.revoked ? null : (
              <div className="actions">
                <ConfirmAction
                  label={t("admin_rotate")}
                  extraLabel={c.name}
                  question={t("admin_confirmRotate", { name: c.name })}
                  yes={t("admin_yesRotate")}
                  busy={busy === c.id}
                  onConfirm={() => void rotate(c)}
                />
                <ConfirmAction
                  label={t("admin_revoke")}
                  extraLabel={c.name}
                  question={t("admin_confirmRevoke", { name: c.name })}
                  yes={t("admin_yesRevoke")}
                  busy={busy === c.id}
                  onConfirm={() => void revoke(c)}
                />
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function CreateClient({ onCreated, inputRef }: { onCreated: (name: string, token: string) => void; inputRef: React.RefObject<HTMLInputElement | null> }) {
  const { t, lang } = useI18n();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("clerk");
  const [error, setError] = useState<string | undefined>();
  const [sending, setSending] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSending(true);
    setError(undefined);
    try {
      const c = await request("createApiClient", { body: { name, role } });
      setName("");
      onCreated(c.name, c.token);
    } catch (err) {
      setError(errorText(err, lang, t));
    } finally {
      setSending(false);
    }
  };
  return (
    <section className="card" aria-labelledby="admin-create-client-title">
      <h3 id="admin-create-client-title">{t("admin_createClient")}</h3>
      {error ? <Outcome kind="error">{error}</Outcome> : null}
      <form className="inline-form" onSubmit={submit}>
        <Field label={t("admin_clientName")} hint={t("admin_clientNameHint")} required>
          {(p) => <input {...p} ref={inputRef} name="clientName" type="text" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label={t("role")} required>
          {(p) => (
            <select {...p} name="clientRole" value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLE_OPTIONS.map((r) => (
                <option key={r} value={r}>
                  {t(`role_${r}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="field">
          <button type="submit" className="btn btn-primary" disabled={sending}>
            {t("admin_createClient")}
          </button>
        </div>
      </form>
    </section>
  );
}
