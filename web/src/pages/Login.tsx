// The login page. Where the agency's identity provider is configured, "Mit dem Konto Ihrer Behörde
// anmelden" sends the browser there and back (to returnTo); the password form stays for demo mode and,
// folded away, for break-glass accounts. Refused sign-ons come back as ?signOnError=… and are explained
// here; a delayed login (429 after repeated failures) says how long to wait.
import { useState, type FormEvent } from "react";
import { ApiError, errorText } from "../api";
import { Field, Message, PageTitle } from "../components";
import { useI18n, type MsgKey } from "../i18n";
import { useRouter } from "../router";
import { expectSession, safeReturnTo, signOnUrl, useSession } from "../session";

const SIGN_ON_ERRORS = ["no-role", "several-roles", "account-conflict", "disabled", "failed", "expired", "unavailable"] as const;

export function LoginPage() {
  const { t, tn, lang } = useI18n();
  const { meta, methods, login, expired } = useSession();
  const { search } = useRouter();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [info, setInfo] = useState<string | undefined>();
  const [fieldErrors, setFieldErrors] = useState<{ username?: string; password?: string }>({});

  const returnTo = safeReturnTo(search.get("returnTo"));
  const signOnError = SIGN_ON_ERRORS.find((e) => e === search.get("signOnError"));
  const oidc = methods?.oidc === true;
  const breakGlassOnly = oidc && methods?.password === "break-glass";

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
      if (err instanceof ApiError && (err.status === 401 || err.status === 400)) setError(t("loginFailed"));
      else if (err instanceof ApiError && err.status === 429 && err.retryAfterSeconds) setError(tn("loginThrottled", err.retryAfterSeconds));
      else if (err instanceof ApiError && err.status === 403) setError(t("passwordNotAllowed"));
      else setError(errorText(err, lang, t));
    } finally {
      setBusy(false);
    }
  };

  const form = (
    <form onSubmit={submit} noValidate className="card form" aria-labelledby={oidc ? "password-title" : "page-title"}>
      <Field label={t("username")} required error={fieldErrors.username}>
        {(p) => <input {...p} name="username" type="text" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} />}
      </Field>
      <Field label={t("password")} required error={fieldErrors.password}>
        {(p) => <input {...p} name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
      </Field>
      <div className="actions">
        <button type="submit" className={oidc ? "btn btn-secondary" : "btn btn-primary"} disabled={busy} aria-disabled={busy}>
          {busy ? t("loggingIn") : t("login")}
        </button>
      </div>
      {busy ? <Message kind="info">{t("loggingIn")}</Message> : null}
      {error ? (
        <Message kind="error" focus>
          {error}
        </Message>
      ) : null}
      {info ? <Message kind="success">{info}</Message> : null}
    </form>
  );

  return (
    <div className="login">
      <PageTitle>{t("loginTitle")}</PageTitle>
      {expired ? <Message kind="warning">{t("err_401")}</Message> : null}
      {signOnError ? <Message kind="error">{t(`signOnError_${signOnError}` as MsgKey)}</Message> : null}
      {oidc ? (
        <section className="card sign-on" aria-labelledby="sign-on-title">
          <h2 id="sign-on-title">{t("signOnTitle")}</h2>
          <p>{t("signOnIntro")}</p>
          <div className="actions">
            {/* a link, not a fetch: the browser itself goes to the identity provider and comes back */}
            <a className="btn btn-primary" href={signOnUrl(returnTo)} onClick={expectSession} data-testid="sign-on">
              {t("signOnAgency")}
            </a>
          </div>
        </section>
      ) : (
        <p>{t("loginIntro")}</p>
      )}
      {!oidc ? (
        form
      ) : breakGlassOnly ? (
        <details className="break-glass">
          <summary>
            <span id="password-title">{t("breakGlassTitle")}</span>
          </summary>
          <p>{t("breakGlassIntro")}</p>
          {form}
        </details>
      ) : (
        <section aria-labelledby="password-title">
          <h2 id="password-title">{t("passwordLoginTitle")}</h2>
          <p>{t("passwordLoginDemo")}</p>
          {form}
        </section>
      )}
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
