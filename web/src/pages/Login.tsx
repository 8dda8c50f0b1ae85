import { useState, type FormEvent } from "react";
import { ApiError, errorText } from "../api";
import { Field, Message, PageTitle } from "../components";
import { useI18n } from "../i18n";
import { useSession } from "../session";

export function LoginPage() {
  const { t, lang } = useI18n();
  const { meta, login, expired } = useSession();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [info, setInfo] = useState<string | undefined>();
  const [fieldErrors, setFieldErrors] = useState<{ username?: string; password?: string }>({});

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setInfo(undefined);
    const fe: typeof fieldErrors = {};
    if (!username.trim()) fe.username = t("fieldRequired", { field: t("username") });
    if (!password) fe.password = t("fieldRequired", { field: t("password") });
    setFieldErrors(fe);
    if (fe.username || fe.password) {
      setError(Object.values(fe).join(" "));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await login(username.trim(), password);
    } catch (err) {
      setError(err instanceof ApiError && (err.status === 401 || err.status === 400) ? t("loginFailed") : errorText(err, lang, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login">
      <PageTitle>{t("loginTitle")}</PageTitle>
      {expired ? <Message kind="warning">{t("err_401")}</Message> : null}
      <p>{t("loginIntro")}</p>
      <form onSubmit={submit} noValidate className="card form" aria-labelledby="page-title">
        <Field label={t("username")} required error={fieldErrors.username}>
          {(p) => <input {...p} name="username" type="text" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} />}
        </Field>
        <Field label={t("password")} required error={fieldErrors.password}>
          {(p) => <input {...p} name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy} aria-disabled={busy}>
            {busy ? t("loggingIn") : t("login")}
          </button>
        </div>
        {busy ? <Message kind="info">{t("loggingIn")}</Message> : null}
        {error ? <Message kind="error">{error}</Message> : null}
        {info ? <Message kind="success">{info}</Message> : null}
      </form>
      {meta?.demoMode && meta.demoLogins?.length ? (
        <section className="card demo-logins" aria-labelledby="demo-title">
          <h2 id="demo-title">{t("demoLogins")}</h2>
          <p>{t("demoLoginsIntro")}</p>
          <table>
            <caption className="sr-only">{t("demoLogins")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("username")}</th>
                <th scope="col">{t("password")}</th>
                <th scope="col">{t("role")}</th>
                <th scope="col">
                  <span className="sr-only">{t("login")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {meta.demoLogins.map((d) => (
                <tr key={d.username}>
                  <td>
                    <code>{d.username}</code>
                  </td>
                  <td>
                    <code>{d.password}</code>
                  </td>
                  <td>{t(`role_${d.role}`)}</td>
                  <td>
                    <button
                      type="button"
                      className="btn btn-secondary"
                      data-username={d.username}
                      onClick={() => {
                        setUsername(d.username);
                        setPassword(d.password);
                        setFieldErrors({});
                        setError(undefined);
                        setInfo(t("demoFilled", { name: d.displayName }));
                      }}
                    >
                      {t("demoUseShort")}
                      <span className="sr-only"> {d.username}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </div>
  );
}
