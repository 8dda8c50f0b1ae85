// The development identity provider's login form: plain HTML, German by default and English on request
// (?lang=en or the browser's first language), labelled fields, errors announced (role=alert), one small
// stylesheet from the same server (no inline styles or scripts, so a strict CSP holds).
export type PageLang = "de" | "en";

const TEXT = {
  de: {
    title: "Anmeldung beim Identitätsanbieter (Entwicklung)",
    intro: "Melden Sie sich mit dem Konto Ihrer Behörde an.",
    client: "Anmeldung für",
    username: "Benutzername",
    password: "Passwort",
    submit: "Anmelden",
    wrong: "Benutzername oder Passwort falsch.",
    other: "English",
    note: "Nur für Entwicklung und Demonstration: die Demo-Zugänge stehen auf der Anmeldeseite der Anwendung.",
  },
  en: {
    title: "Sign in at the identity provider (development)",
    intro: "Sign in with your agency account.",
    client: "Signing in to",
    username: "User name",
    password: "Password",
    submit: "Sign in",
    wrong: "Wrong user name or password.",
    other: "Deutsch",
    note: "For development and demonstrations only: the demo logins are listed on the application's login page.",
  },
} as const;

export function pageLang(query: string | null, acceptLanguage: string | undefined): PageLang {
  if (query === "en" || query === "de") return query;
  return /^\s*en\b/i.test(acceptLanguage ?? "") ? "en" : "de";
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export function loginPage(o: { uid: string; lang: PageLang; clientId: string; username?: string; failed?: boolean }): string {
  const t = TEXT[o.lang];
  const other: PageLang = o.lang === "de" ? "en" : "de";
  const action = `/interaction/${encodeURIComponent(o.uid)}/login?lang=${o.lang}`;
  return `<!DOCTYPE html>
<html lang="${o.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(t.title)}</title>
<link rel="stylesheet" href="/idp.css">
</head>
<body>
<main>
<p class="lang"><a href="/interaction/${encodeURIComponent(o.uid)}?lang=${other}" lang="${other}" hreflang="${other}">${t.other}</a></p>
<h1>${esc(t.title)}</h1>
<p>${esc(t.intro)}</p>
<p>${esc(t.client)}: <strong>${esc(o.clientId)}</strong></p>
${o.failed ? `<p class="error" role="alert" id="login-error">${esc(t.wrong)}</p>` : ""}
<form method="post" action="${esc(action)}">
<label for="username">${esc(t.username)}</label>
<input id="username" name="username" type="text" autocomplete="username" required value="${esc(o.username ?? "")}"${o.failed ? ' aria-describedby="login-error"' : ""}>
<label for="password">${esc(t.password)}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${o.failed ? ' aria-describedby="login-error"' : ""}>
<button type="submit">${esc(t.submit)}</button>
</form>
<p class="note">${esc(t.note)}</p>
</main>
</body>
</html>`;
}

export function errorPage(lang: PageLang, message: string): string {
  const title = lang === "de" ? "Anmeldung nicht möglich" : "Sign-in not possible";
  return `<!DOCTYPE html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><link rel="stylesheet" href="/idp.css"></head>
<body><main><h1>${title}</h1><p class="error" role="alert">${esc(message)}</p></main></body>
</html>`;
}

export const STYLESHEET = `
body { font-family: system-ui, sans-serif; background: #f4f5f7; color: #1b1f24; margin: 0; }
main { max-width: 28rem; margin: 3rem auto; background: #fff; padding: 1.5rem 2rem; border: 1px solid #c9ced6; border-radius: 6px; }
h1 { font-size: 1.4rem; }
label { display: block; font-weight: 600; margin-top: 1rem; }
input, button { font: inherit; }
input { display: block; width: 100%; box-sizing: border-box; padding: .55rem; font-size: 1rem; border: 1px solid #5f6b7a; border-radius: 4px; }
input:focus, button:focus, a:focus { outline: 3px solid #0b5cad; outline-offset: 2px; }
button { margin-top: 1.25rem; padding: .6rem 1.4rem; font-size: 1rem; background: #0b5cad; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
.error { color: #a4161a; background: #fdecec; border-left: 4px solid #a4161a; padding: .5rem .75rem; }
.lang { text-align: right; margin: 0; }
.note { color: #4a5563; font-size: .9rem; margin-top: 1.5rem; }
`;
