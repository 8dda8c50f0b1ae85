// The development identity provider from a shell: `npx tsx services/idp/main.ts`. Port 3009, issuer
// http://127.0.0.1:3009, clients for the demo services at 3001 (BAMF), 3002 (ZAB) and 3003 (ABH-14625), the
// demo users of those agencies. Settings: IDP_PORT, IDP_ISSUER, IDP_SERVICE_URLS
// ("BAMF=http://127.0.0.1:3001,ZAB=http://127.0.0.1:3002,ABH-14625=http://127.0.0.1:3003": any agency keys).
import { startDevIdp, devIdpClient, devIdpUsers } from "./dev-idp";
import { AGENCY_KEY_PATTERN, type AgencyKey } from "../shared/vocab/types";

function serviceUrls(text: string): [AgencyKey, string][] {
  return text.split(",").map((part) => {
    const [agency, url] = part.split("=").map((s) => s.trim());
    if (!agency || !AGENCY_KEY_PATTERN.test(agency) || !url) throw new Error(`IDP_SERVICE_URLS: "${part}" is not <agency key>=<url> (e.g. BAMF=http://127.0.0.1:3001)`);
    return [agency, url];
  });
}

async function main(): Promise<void> {
  const port = Number(process.env.IDP_PORT ?? 3009);
  const urls = serviceUrls(process.env.IDP_SERVICE_URLS ?? "BAMF=http://127.0.0.1:3001,ZAB=http://127.0.0.1:3002,ABH-14625=http://127.0.0.1:3003");
  const idp = await startDevIdp({ port, issuer: process.env.IDP_ISSUER, clients: urls.map(([a, u]) => devIdpClient(a, u)), users: devIdpUsers(urls.map(([a]) => a)) });
  console.log(`development identity provider: ${idp.issuer} (demo users, never for production)`);
  const stop = () => void idp.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
