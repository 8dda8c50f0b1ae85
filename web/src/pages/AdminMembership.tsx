// The network's membership (admin area, /admin/membership; issue 14): the member agencies and the votes as
// the chain records them. This agency's admin proposes a new member (from the request a new agency's
// `npm run agency:onboard -- --no-propose` wrote) or the removal of a member account, and approves open
// proposals; a majority of the member agencies puts a proposal in force. Texts in both languages inline:
// this page is for a handful of administrators (the labels of the rest of the app live in i18n.tsx).
import { useState, type FormEvent } from "react";
import { errorText, request } from "../api";
import { ErrorMessage, Field, Loading } from "../components";
import { useLoad } from "../hooks";
import { useI18n } from "../i18n";
import { Outcome } from "./AdminParts";
import { CODE_LISTS, districtName } from "../codelists";
import type { MembershipOverview, MembershipProposal } from "../../../services/shared/contract/membership";

type Lang = "de" | "en";

/** A required text field of the forms below. */
function TextField({ label, value, onChange, numeric }: { label: string; value: string; onChange: (v: string) => void; numeric?: boolean }) {
  return (
    <Field label={label} required>
      {(props) => <input {...props} value={value} inputMode={numeric ? "numeric" : undefined} onChange={(e) => onChange(e.target.value)} />}
    </Field>
  );
}

const tx = (lang: Lang, de: string, en: string) => (lang === "de" ? de : en);

function typeName(code: number, lang: Lang): string {
  const type = CODE_LISTS.agencyTypes.find((x) => x.code === code);
  return type ? type[lang] : `#${code}`;
}

/** A scope as people name it: a district by name, the Land (key 14) as Saxony, with the key after it. */
function scopeName(scope: number, lang: Lang): string {
  if (scope === 14) return `${tx(lang, "Sachsen", "Saxony")} (14)`;
  const name = districtName(scope);
  return name && name !== String(scope) ? `${name} (${scope})` : String(scope);
}

const ACTION_NAMES: Record<MembershipProposal["action"], [string, string]> = {
  AddMember: ["Mitglied aufnehmen", "Add a member"],
  RemoveMember: ["Mitglied entfernen", "Remove a member"],
  AddAuditor: ["Prüfkonto aufnehmen", "Add an auditor"],
  RemoveAuditor: ["Prüfkonto entfernen", "Remove an auditor"],
  SetCodeList: ["Code-Listen-Version", "Code-list version"],
};

export function AdminMembership() {
  const { t, lang: anyLang } = useI18n();
  const lang: Lang = anyLang === "de" ? "de" : "en";
  const data = useLoad(() => request("getMembership", {}), [], ["ledger"]);
  const [outcome, setOutcome] = useState<{ kind: "success" | "error"; text: string } | undefined>();
  const [sending, setSending] = useState(false);
  const [form, setForm] = useState({ account: "", agency: "", agencyType: "3", scope: "", name: "" });
  const [removeAccount, setRemoveAccount] = useState("");
  const m: MembershipOverview | undefined = data.data;

  const run = async (what: () => Promise<{ id: number; executed: boolean }>, done: (r: { id: number; executed: boolean }) => string) => {
    setSending(true);
    setOutcome(undefined);
    try {
      const r = await what();
      setOutcome({ kind: "success", text: done(r) });
      await data.reload();
    } catch (err) {
      setOutcome({ kind: "error", text: errorText(err, anyLang, t) });
    } finally {
      setSending(false);
    }
  };
  const inForce = (r: { id: number; executed: boolean }) =>
    r.executed ? tx(lang, `Vorschlag ${r.id} ist in Kraft.`, `Proposal ${r.id} is in force.`) : tx(lang, `Vorschlag ${r.id}: Zustimmung gezählt; weitere Behörden müssen zustimmen.`, `Proposal ${r.id}: approval counted; further agencies must approve.`);

  const proposeAdd = (e: FormEvent) => {
    e.preventDefault();
    void run(
      () =>
        request("proposeMembership", {
          body: { action: "AddMember", account: form.account.trim(), agency: Number(form.agency), agencyType: Number(form.agencyType), scope: Number(form.scope), name: form.name.trim() },
        }),
      inForce,
    );
  };
  const proposeRemove = (e: FormEvent) => {
    e.preventDefault();
    void run(() => request("proposeMembership", { body: { action: "RemoveMember", account: removeAccount.trim() } }), inForce);
  };
  const approve = (id: number) => void run(() => request("approveProposal", { params: { id } }), inForce);

  const open = m?.proposals.filter((p) => !p.executed) ?? [];
  const done = m?.proposals.filter((p) => p.executed) ?? [];
  const agencyLabel = (code: number) => m?.agencies.find((a) => a.agency === code)?.name || `#${code}`;

  return (
    <section aria-labelledby="admin-membership-title">
      <h2 id="admin-membership-title">{tx(lang, "Mitgliedschaft im Verbund", "Membership of the network")}</h2>
      <p>
        {tx(
          lang,
          "Mitglieder nimmt der Verbund per Abstimmung auf oder entfernt sie: eine Stimme je Behörde, die Mehrheit der Mitgliedsbehörden entscheidet. Diese Behörde stimmt mit ihrem eigenen Schlüssel ab. Der Konsortialschlüssel wird nie hier übergeben (docs/operations/key-ceremony.md).",
          "The network admits or removes members by vote: one vote per agency, a majority of the member agencies decides. This agency votes with its own key. The consortium key is never handed over here (docs/operations/key-ceremony.md).",
        )}
      </p>
      {outcome ? <Outcome kind={outcome.kind}>{outcome.text}</Outcome> : null}
      <ErrorMessage error={data.error} />
      {data.loading && !m ? <Loading /> : null}
      {m ? (
        <>
          <h3>{tx(lang, "Mitgliedsbehörden", "Member agencies")}</h3>
          <div className="table-wrap">
            <table className="data" data-testid="member-agencies">
              <thead>
                <tr>
                  <th scope="col">{tx(lang, "Nr.", "No.")}</th>
                  <th scope="col">{tx(lang, "Name", "Name")}</th>
                  <th scope="col">{tx(lang, "Art", "Type")}</th>
                  <th scope="col">{tx(lang, "Zuständigkeit", "Scope")}</th>
                  <th scope="col">{tx(lang, "Konten (Block)", "Accounts (block)")}</th>
                  <th scope="col">{tx(lang, "Status", "Status")}</th>
                </tr>
              </thead>
              <tbody>
                {m.agencies.map((a) => (
                  <tr key={a.agency}>
                    <td>{a.agency}{a.agency === m.self.agency ? ` (${tx(lang, "diese Behörde", "this agency")})` : ""}</td>
                    <td>{a.name}</td>
                    <td>{typeName(a.agencyType, lang)}</td>
                    <td>{scopeName(a.scope, lang)}</td>
                    <td className="small">
                      {a.accounts.map((x) => (
                        <div key={x.account + x.addedBlock}>
                          <code>{x.account}</code> {tx(lang, "ab", "from")} {x.addedBlock}
                          {x.removedBlock !== null ? ` ${tx(lang, "bis", "to")} ${x.removedBlock}` : ""}
                        </div>
                      ))}
                    </td>
                    <td>{a.active ? tx(lang, "Mitglied", "member") : tx(lang, "ausgeschieden", "left")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <h3>{tx(lang, "Offene Vorschläge", "Open proposals")}</h3>
          {open.length === 0 ? <p>{tx(lang, "Keine.", "None.")}</p> : null}
          <ul className="plain" data-testid="open-proposals">
            {open.map((p) => (
              <li key={p.id} className="card">
                <strong>
                  {tx(lang, "Vorschlag", "Proposal")} {p.id}: {tx(lang, ...ACTION_NAMES[p.action])}
                </strong>
                <div className="small">
                  <code>{p.account}</code>
                  {p.action === "AddMember" ? ` · ${tx(lang, "Behörde", "agency")} ${p.agency} · ${typeName(p.agencyType, lang)} · ${scopeName(p.scope, lang)} · ${p.name}` : ""}
                </div>
                <div className="small">
                  {tx(lang, "Zustimmungen", "Approvals")}: {p.approvals}
                  {p.required ? ` / ${p.required}` : ""} ({p.approvedBy.map(agencyLabel).join(", ")})
                </div>
                {p.approvedByUs ? (
                  <p className="small muted">{tx(lang, "Diese Behörde hat zugestimmt.", "This agency approved.")}</p>
                ) : (
                  <button type="button" className="btn btn-primary" disabled={sending} onClick={() => approve(p.id)}>
                    {tx(lang, "Zustimmen", "Approve")}
                  </button>
                )}
              </li>
            ))}
          </ul>

          <h3>{tx(lang, "Mitglied vorschlagen", "Propose a member")}</h3>
          <p className="small muted">
            {tx(lang, "Die Angaben stehen in der Anfrage der neuen Behörde (onboarding/<Schlüssel>/request.json); Konto und Fingerabdruck vorher fernmündlich abgleichen.", "The values are in the new agency's request (onboarding/<key>/request.json); compare the account and thumbprint by phone first.")}
          </p>
          <form className="form" onSubmit={proposeAdd}>
            <TextField label={tx(lang, "Konto (0x…)", "Account (0x…)")} value={form.account} onChange={(v) => setForm({ ...form, account: v })} />
            <TextField label={tx(lang, "Behördennummer (1–255)", "Agency number (1–255)")} value={form.agency} onChange={(v) => setForm({ ...form, agency: v })} numeric />
            <Field label={tx(lang, "Art", "Type")} required>
              {(props) => (
                <select {...props} value={form.agencyType} onChange={(e) => setForm({ ...form, agencyType: e.target.value })}>
                  {CODE_LISTS.agencyTypes.map((x) => (
                    <option key={x.code} value={x.code}>
                      {x[lang]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <TextField label={tx(lang, "Zuständigkeit (Kreis- oder Landesschlüssel)", "Scope (district or Land key)")} value={form.scope} onChange={(v) => setForm({ ...form, scope: v })} numeric />
            <TextField label={tx(lang, "Name", "Name")} value={form.name} onChange={(v) => setForm({ ...form, name: v })} />
            <button type="submit" className="btn btn-primary" disabled={sending}>
              {tx(lang, "Vorschlagen", "Propose")}
            </button>
          </form>

          <h3>{tx(lang, "Mitgliedskonto entfernen", "Remove a member account")}</h3>
          <form className="form" onSubmit={proposeRemove}>
            <TextField label={tx(lang, "Konto (0x…)", "Account (0x…)")} value={removeAccount} onChange={setRemoveAccount} />
            <button type="submit" className="btn btn-secondary" disabled={sending}>
              {tx(lang, "Entfernen vorschlagen", "Propose removal")}
            </button>
          </form>

          <h3>{tx(lang, "Entschiedene Vorschläge", "Decided proposals")}</h3>
          <ul className="plain small" data-testid="decided-proposals">
            {done.map((p) => (
              <li key={p.id}>
                {p.id}: {tx(lang, ...ACTION_NAMES[p.action])} <code>{p.account}</code>
                {p.action === "AddMember" ? ` (${p.name || `#${p.agency}`})` : ""} · {tx(lang, "Block", "block")} {p.block}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
