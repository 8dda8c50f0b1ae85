// The admin area: users and roles, API clients, the webhook, the admin log and the network's membership
// votes, one section per address (/admin/users, /admin/clients, /admin/webhook, /admin/log, /admin/membership) so that each can be linked and the browser's
// back button works. Administrators only; no case data anywhere here.
import type { MsgKey } from "../i18n";
import { useI18n } from "../i18n";
import { Link, useRouter } from "../router";
import { PageTitle } from "../components";
import { AdminUsers } from "./AdminUsers";
import { AdminClients } from "./AdminClients";
import { AdminWebhook } from "./AdminWebhook";
import { AdminLogSection } from "./AdminLog";
import { AdminMembership } from "./AdminMembership";

const SECTIONS = [
  { key: "users", label: "admin_tab_users" },
  { key: "clients", label: "admin_tab_clients" },
  { key: "webhook", label: "admin_tab_webhook" },
  { key: "log", label: "admin_tab_log" },
  // inline bilingual label: the membership page keeps its texts to itself (AdminMembership.tsx)
  { key: "membership", label: { de: "Mitgliedschaft", en: "Membership" } },
] as const satisfies readonly { key: string; label: MsgKey | { de: string; en: string } }[];
type Section = (typeof SECTIONS)[number]["key"];

export function AdminPage() {
  const { t, lang } = useI18n();
  const label = (l: MsgKey | { de: string; en: string }) => (typeof l === "string" ? t(l) : lang === "de" ? l.de : l.en);
  const { path } = useRouter();
  const asked = path.replace(/\/+$/, "").split("/")[2] ?? "users";
  const section: Section = SECTIONS.some((s) => s.key === asked) ? (asked as Section) : "users";
  const current = SECTIONS.find((s) => s.key === section)!;
  return (
    <>
      {/* keyed: a new section is a new page, whose title takes the focus */}
      <PageTitle key={section}>
        {t("admin_title")}: {label(current.label)}
      </PageTitle>
      <p>{t("admin_intro")}</p>
      <nav aria-label={t("admin_sections")} className="sub-nav">
        <ul>
          {SECTIONS.map((s) => (
            <li key={s.key}>
              <Link href={`/admin/${s.key}`} aria-current={s.key === section ? "page" : undefined}>
                {label(s.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {section === "users" ? <AdminUsers /> : section === "clients" ? <AdminClients /> : section === "webhook" ? <AdminWebhook /> : section === "membership" ? <AdminMembership /> : <AdminLogSection />}
    </>
  );
}
