// The admin log: every admin action, newest first, a page at a time. Who (staff account or API client),
// what, when, and the target's id; no personal data is ever in it.
import { useEffect, useRef, useState } from "react";
import type { AdminAction } from "../../../services/shared/contract";
import { request } from "../api";
import { ErrorMessage, Loading } from "../components";
import { useLoad } from "../hooks";
import { useI18n, type MsgKey } from "../i18n";

const PAGE = 20;

export function AdminLogSection() {
  const { t, fmtDateTime, fmtNumber } = useI18n();
  const [offset, setOffset] = useState(0);
  const log = useLoad(() => request("listAdminActions", { query: { offset, limit: PAGE } }), [offset]);
  const caption = useRef<HTMLTableCaptionElement>(null);
  const paged = useRef(false);
  useEffect(() => {
    if (paged.current && log.data) caption.current?.focus();
  }, [log.data]);
  const d = log.data;
  const what = (a: AdminAction) => t(`admin_act_${a.action.replace(".", "_")}` as MsgKey);
  const target = (a: AdminAction) =>
    a.targetType === "webhook"
      ? t("admin_target_webhook")
      : t(a.targetType === "user" ? "admin_target_user" : "admin_target_client", { id: a.targetId ?? "–" });
  const detail = (a: AdminAction) => {
    if (a.action === "user.role" && a.detail) {
      const [from, to] = a.detail.split("->");
      return `${t(`role_${from}` as MsgKey)} → ${t(`role_${to}` as MsgKey)}`;
    }
    if ((a.action === "user.create" || a.action === "client.create") && a.detail) return t(`role_${a.detail}` as MsgKey);
    if (a.detail === "secret-created") return t("admin_detail_secretCreated");
    return a.detail ?? "–";
  };
  const go = (to: number) => {
    paged.current = true;
    setOffset(Math.max(0, to));
  };

  return (
    <section aria-labelledby="admin-log-title">
      <h2 id="admin-log-title">{t("admin_tab_log")}</h2>
      <p>{t("admin_logIntro")}</p>
      <ErrorMessage error={log.error} />
      {log.loading && !d ? <Loading /> : null}
      {d && d.total === 0 ? <p>{t("admin_noLog")}</p> : null}
      {d && d.actions.length > 0 ? (
        <>
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="admin-log-caption">
            <table className="data admin-log stack-on-phone" data-testid="admin-log">
              <caption id="admin-log-caption" ref={caption} tabIndex={-1}>
                {t("admin_pageInfo", {
                  from: fmtNumber(d.offset + 1),
                  to: fmtNumber(d.offset + d.actions.length),
                  total: fmtNumber(d.total),
                })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("admin_when")}</th>
                  <th scope="col">{t("admin_who")}</th>
                  <th scope="col">{t("admin_what")}</th>
                  <th scope="col">{t("admin_target")}</th>
                  <th scope="col">{t("admin_detail")}</th>
                </tr>
              </thead>
              <tbody>
                {d.actions.map((a) => (
                  <tr key={a.id} data-action={a.action}>
                    <td data-label={t("admin_when")}>{fmtDateTime(a.at)}</td>
                    <td data-label={t("admin_who")}>
                      <code>{a.actor}</code>
                    </td>
                    <td data-label={t("admin_what")}>{what(a)}</td>
                    <td data-label={t("admin_target")}>{target(a)}</td>
                    <td data-label={t("admin_detail")}>{detail(a)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {d.total > PAGE ? (
            <nav aria-label={t("admin_logPages")} className="actions">
              <button type="button" className="btn btn-secondary btn-small" disabled={d.offset === 0} onClick={() => go(d.offset - PAGE)}>
                {t("admin_newer")}
              </button>
              <button
                type="button"
                className="btn btn-secondary btn-small"
                disabled={d.offset + d.actions.length >= d.total}
                onClick={() => go(d.offset + PAGE)}
              >
                {t("admin_older")}
              </button>
            </nav>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
