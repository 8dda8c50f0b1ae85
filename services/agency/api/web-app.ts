// The built web app served from the same origin as the API: its files, and index.html for every other
// non-/api path (the app routes itself). The files are read from disk (WEB_DIST_DIR in shared/paths.ts);
// the service imports no code of the web app.
//
//   const app = await buildApi(ctx);
//   await registerWebApp(app, WEB_DIST_DIR);
import { existsSync, statSync } from "node:fs";
import { join, normalize, resolve, sep } from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fastifyStatic from "@fastify/static";

/** What the browser may load: only this origin; Chart.js sets inline styles on its canvas. */
export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const NOT_BUILT = `<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Web-Anwendung nicht gebaut / Web app not built</title></head>
<body><main><h1>Web-Anwendung nicht gebaut / Web app not built</h1>
<p>Bitte <code>npm run build:web</code> ausführen. / Please run <code>npm run build:web</code>.</p><p>API: <a href="/api/docs">/api/docs</a></p></main></body></html>`;

/** Serve the built app in `distDir` with the index.html fallback; /api paths keep the API's own 404. */
export async function registerWebApp(app: FastifyInstance, distDir: string): Promise<void> {
  const root = resolve(distDir);
  // sendFile only: the one route below decides what is served, so files built after the start are found.
  await app.register(fastifyStatic, { root, serve: false, index: false, dotfiles: "deny", etag: true, lastModified: true, cacheControl: false });

  const sendIndex = (reply: FastifyReply) => {
    if (!existsSync(join(root, "index.html"))) {
      return reply.code(503).header("content-security-policy", "default-src 'none'; frame-ancestors 'none'").type("text/html; charset=utf-8").send(NOT_BUILT);
    }
    return reply.header("cache-control", "no-cache").header("content-security-policy", WEB_CSP).type("text/html; charset=utf-8").sendFile("index.html");
  };

  const handler = async (req: FastifyRequest, reply: FastifyReply) => {
    const path = decodeURIComponentSafe(req.url.split("?")[0]);
    // The API keeps its own 404 (problem+json): the app never answers for /api.
    if (path === undefined || path === "/api" || path.startsWith("/api/")) return reply.callNotFound();
    const rel = normalize(path).replace(/^([/\\])+/, "");
    const file = resolve(root, rel);
    if (rel && (file === root || file.startsWith(root + sep)) && !rel.split(/[/\\]/).some((p) => p.startsWith(".")) && isFile(file)) {
      // hashed build output never changes; everything else is revalidated
      const immutable = rel.startsWith(`assets${sep}`) || rel.startsWith("assets/");
      reply.header("cache-control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
      reply.header("content-security-policy", WEB_CSP);
      return reply.sendFile(rel);
    }
    // a missing asset is a 404, not the app
    if (/\.[a-z0-9]{1,8}$/i.test(rel) && rel.startsWith("assets")) return reply.callNotFound();
    return sendIndex(reply);
  };
  app.get("/", handler);
  app.get("/*", handler);
}

function decodeURIComponentSafe(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
