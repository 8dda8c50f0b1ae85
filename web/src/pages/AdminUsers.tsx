// Users and their roles: change a role, disable and enable an account (asked first), and create a local
// account for demo mode or break-glass access. Staff normally come from the identity provider.
import { useState, type FormEvent } from "react";
import type { Role, UserSummary } from "../../../services/shared/contract";
import { errorText, request } from "../api";
import { ErrorMessage, Field, Loading } from "../components";
import { useLoad } from "../hooks";
import { useI18n, type MsgKey } from "../i18n";
import { useSession } from "../session";
import { ConfirmAction, Outcome } from "./AdminParts";

const ROLE_OPTIONS: readonly Role[] = ["clerk", "auditor", "admin"];
const SIGN_ON = { "identity-provider": "admin_signOn_idp", "break-glass": "admin_signOn_breakGlass", local: "admin_signOn_local" } as const satisfies Record<UserSummary["signOn"], MsgKey>;

export function AdminUsers() {
  const { t, lang, fmtDateTime } = useI18n();
  const { me } = useSession();
  const users = useLoad(() => request("listUsers", {}), []);
  const [outcome, setOutcome] = useState<{ kind: "success" | "error"; text: string } | undefined>();
  const [busy, setBusy] = useState<number | undefined>();

  const act = async (u: UserSummary, run: () => Promise<UserSummary>, success: (u: UserSummary) => string) => {
    setBusy(u.id);
    try {
      const updated = await run();
      setOutcome({ kind: "success", text: success(updated) });
      await users.reload();
    } catch (err) {
      setOutcome({ kind: "error", text: errorText(err, lang, t) });
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <section aria-labelledby="admin-users-title">
      <h2 id="admin-users-title">{t("admin_tab_users")}</h2>
      <p>{t("admin_usersIntro")}</p>
      {outcome ? <Outcome kind={outcome.kind}>{outcome.text}</Outcome> : null}
      <ErrorMessage error={users.error} />
      {users.loading && !users.data ? <Loading /> : null}
      <ul className="admin-list" data-testid="user-list">
        {(users.data?.users ?? []).map((u) => {
          const own = me?.kind === "user" && me.username === u.username;
          return (
            <li key={u.id} className="card admin-item" data-username={u.username}>
              <h3>
                {u.displayName} <code className="small">{u.username}</code>
              </h3>
              <dl className="kv">
                <dt>{t("role")}</dt>
                <dd>{t(`role_${u.role}`)}</dd>
                <dt>{t("admin_signOn")}</dt>
                <dd>{t(SIGN_ON[u.signOn])}</dd>
                <dt>{t("admin_status")}</dt>
                <dd>
                  {u.disabled ? (
                    <span className="badge badge-bad">{t("admin_disabledState")}</span>
                  ) : (
                    <span className="badge badge-ok">{t("admin_enabled")}</span>
                  )}
                </dd>
                <dt>{t("admin_createdAt")}</dt>
                <dd>{fmtDateTime(u.createdAt)}</dd>
              </dl>
              {own ? (
                <p className="muted small">{t("admin_you")}</p>
              ) : (
                <div className="actions">
                  <RoleForm
                    user={u}
                    busy={busy === u.id}
                    onSave={(role) =>
                      act(
                        u,
                        () =>
                          request("changeUserRole", {
                            params: { id: u.id },
                            body: { role },
                          }),
                        (x) =>
                          t("admin_roleChanged", {
                            name: x.username,
                            role: t(`role_${x.role}`),
                          }),
                      )
                    }
                  />
                  {u.disabled ? (
                    <button
                      type="button"
                      className="btn btn-secondary btn-small"
                      disabled={busy === u.id}
                      onClick={() =>
                        act(
                          u,
                          () => request("enableUser", { params: { id: u.id } }),
                          (x) => t("admin_userEnabled", { name: x.username }),
                        )
                      }
                    >
                      {t("admin_enable")}
                      <span className="sr-only"> {u.username}</span>
                    </button>
                  ) : (
                    <ConfirmAction
                      label={t("admin_disable")}
                      extraLabel={u.username}
                      question={t("admin_confirmDisable", { name: u.username })}
                      yes={t("admin_yesDisable")}
                      busy={busy === u.id}
                      onConfirm={() =>
                        act(
                          u,
                          () => request("disableUser", { params: { id: u.id } }),
                          (x) => t("admin_userDisabled", { name: x.username }),
                        )
                      }
                    />
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      <CreateLocalUser
        onCreated={(name) => {
          setOutcome({
            kind: "success",
            text: t("admin_userCreated", { name }),
          });
          void users.reload();
        }}
      />
    </section>
  );
}

function RoleForm({ user, busy, onSave }: { user: UserSummary; busy: boolean; onSave: (role: Role) => void }) {
  const { t } = useI18n();
  const [role, setRole] = useState<Role>(user.role);
  const id = `role-${user.id}`;
  return (
    <form
      className="inline-form role-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (role !== user.role) onSave(role);
      }}
    >
      <div className="field">
        <label htmlFor={id}>{t("admin_roleOf", { name: user.username })}</label>
        <select id={id} value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLE_OPTIONS.map((r) => (
            <option key={r} value={r}>
              {t(`role_${r}`)}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="btn btn-secondary btn-small" disabled={busy || role === user.role}>
        {t("admin_saveRole")}
        <span className="sr-only"> {user.username}</span>
      </button>
    </form>
  );
}

function CreateLocalUser({ onCreated }: { onCreated: (username: string) => void }) {
  const { t, lang } = useI18n();
  const [username, setUsername] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("admin");
  const [error, setError] = useState<string | undefined>();
  const [sending, setSending] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSending(true);
    setError(undefined);
    try {
      const u = await request("createUser", {
        body: { username, displayName, password, role },
      });
      setUsername("");
      setDisplayName("");
      setPassword("");
      onCreated(u.username);
    } catch (err) {
      setError(errorText(err, lang, t));
    } finally {
      setSending(false);
    }
  };
  return (
    <section className="card" aria-labelledby="admin-create-user-title">
      <h3 id="admin-create-user-title">{t("admin_createLocal")}</h3>
      <p className="hint">{t("admin_createLocalHint")}</p>
      {error ? <Outcome kind="error">{error}</Outcome> : null}
      <form className="form grid-2" onSubmit={submit}>
        <Field label={t("username")} required>
          {(p) => <input {...p} type="text" autoComplete="off" value={username} onChange={(e) => setUsername(e.target.value)} />}
        </Field>
        <Field label={t("admin_displayName")} required>
          {(p) => <input {...p} type="text" autoComplete="off" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />}
        </Field>
        <Field label={t("password")} required>
          {(p) => <input {...p} type="password" autoComplete="new-password" minLength={12} value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <Field label={t("role")} required>
          {(p) => (
            <select {...p} value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLE_OPTIONS.map((r) => (
                <option key={r} value={r}>
                  {t(`role_${r}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={sending}>
            {t("admin_create")}
          </button>
        </div>
      </form>
    </section>
  );
}
