// A PostgreSQL server of our own from Debian's packages, for the tests, the benches and `npm start -- --postgres`.
// initdb refuses to run as root, so as root the cluster belongs to the `postgres` user (the folder is handed
// to it); otherwise it runs as whoever we are. It listens on 127.0.0.1 at a free port and on a Unix socket in
// its own folder, trusts local connections (it is a developer's server, never reachable from elsewhere), and
// is stopped with stop(). A folder that already holds a cluster is started again, not re-initialised.
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";

export const POSTGRES_BIN = process.env.POSTGRES_BIN ?? "/usr/lib/postgresql/15/bin";
export const POSTGRES_INSTALL_COMMAND = "apt-get update && apt-get install -y --no-install-recommends postgresql";
/** The superuser of our clusters (trust authentication, local only). */
export const POSTGRES_USER = "anker";

export interface LocalPostgresOptions {
  /** the cluster's folder: data/ (the cluster), the Unix socket and server.log */
  dir: string;
  /** TCP port on 127.0.0.1 (default: a free one) */
  port?: number;
  /** false only for throw-away clusters (tests, benches): no fsync, a crash may lose the cluster */
  durable?: boolean;
}

export interface LocalPostgres {
  /** postgresql:// URL of `database` (created if missing) on this server */
  url(database: string): string;
  /** create `database` if it does not exist yet */
  createDatabase(database: string): Promise<void>;
  readonly port: number;
  readonly dir: string;
  /** the server's (postmaster's) process id, from its pid file; undefined when it is not running */
  pid(): number | undefined;
  /** fast shutdown; resolves once the server has exited */
  stop(): Promise<void>;
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/** The server binaries, installed with apt-get as root when missing; fails with the exact command otherwise. */
export function ensurePostgres(): string {
  if (existsSync(join(POSTGRES_BIN, "postgres"))) return POSTGRES_BIN;
  if (!isRoot()) throw new Error(`PostgreSQL 15 is missing at ${POSTGRES_BIN}. Install it as root with:\n  sudo sh -c '${POSTGRES_INSTALL_COMMAND}'`);
  console.log(`PostgreSQL is missing at ${POSTGRES_BIN}; installing it: ${POSTGRES_INSTALL_COMMAND}`);
  execFileSync("sh", ["-c", POSTGRES_INSTALL_COMMAND], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (!existsSync(join(POSTGRES_BIN, "postgres"))) throw new Error(`"${POSTGRES_INSTALL_COMMAND}" ran, but ${POSTGRES_BIN}/postgres is still missing`);
  return POSTGRES_BIN;
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? res(addr.port) : rej(new Error("no port"))));
    });
  });
}

/** Run a server binary as the cluster's owner (the postgres user when we are root). */
function runAsOwner(bin: string, args: string[], timeoutMs = 120_000): string {
  const cmd = isRoot() ? ["runuser", ["-u", "postgres", "--", bin, ...args]] as const : [bin, args] as const;
  return execFileSync(cmd[0], [...cmd[1]], { stdio: "pipe", timeout: timeoutMs, encoding: "utf8" });
}

function handToPostgres(path: string): void {
  if (!isRoot()) return;
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  chownSync(path, uid, gid);
}

function psql(bin: string, port: number, dir: string, sql: string): string {
  return execFileSync(join(bin, "psql"), ["-X", "-q", "-t", "-A", "-h", dir, "-p", String(port), "-U", POSTGRES_USER, "-d", "postgres", "-c", sql], {
    stdio: "pipe",
    encoding: "utf8",
    timeout: 60_000,
  });
}

export async function startLocalPostgres(opts: LocalPostgresOptions): Promise<LocalPostgres> {
  const bin = ensurePostgres();
  const dir = resolve(opts.dir);
  const data = join(dir, "data");
  // The Unix socket path must fit in sun_path (107 bytes).
  if (join(dir, ".s.PGSQL.65535").length > 107) throw new Error(`PostgreSQL folder ${dir} is too long for its Unix socket; pick a shorter one`);
  mkdirSync(dir, { recursive: true });
  handToPostgres(dir);
  if (isRoot()) {
    try {
      execFileSync("runuser", ["-u", "postgres", "--", "test", "-w", dir], { stdio: "ignore" });
    } catch {
      throw new Error(`the postgres user cannot write to ${dir}: every folder above it must be searchable (chmod o+x)`);
    }
  }
  if (!existsSync(join(data, "PG_VERSION"))) {
    runAsOwner(join(bin, "initdb"), ["-D", data, "-U", POSTGRES_USER, "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"]);
  }
  const pidFile = join(data, "postmaster.pid");
  if (existsSync(pidFile)) {
    // A server of an earlier run still up (or a stale pid file pg_ctl will clean up): stop it first.
    try {
      runAsOwner(join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]);
    } catch {
      // not running: pg_ctl start copes with a stale pid file
    }
  }
  const port = opts.port ?? (await freePort());
  const serverOpts = [`-k ${dir}`, `-p ${port}`, "-c listen_addresses=127.0.0.1", "-c max_connections=200"];
  if (opts.durable === false) serverOpts.push("-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off");
  try {
    runAsOwner(join(bin, "pg_ctl"), ["-D", data, "-o", serverOpts.join(" "), "-l", join(dir, "server.log"), "-w", "-t", "120", "start"]);
  } catch (err) {
    const log = existsSync(join(dir, "server.log")) ? readFileSync(join(dir, "server.log"), "utf8").slice(-2000) : "";
    throw new Error(`PostgreSQL did not start in ${dir}: ${(err as Error).message}\n${log}`);
  }
  let stopped = false;
  const url = (database: string) => `postgresql://${POSTGRES_USER}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return {
    port,
    dir,
    url,
    pid() {
      if (!existsSync(pidFile)) return undefined;
      const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    },
    async createDatabase(database: string) {
      const quoted = database.replace(/'/g, "''");
      const exists = psql(bin, port, dir, `SELECT 1 FROM pg_database WHERE datname = '${quoted}'`).trim() === "1";
      if (!exists) psql(bin, port, dir, `CREATE DATABASE "${database.replace(/"/g, '""')}"`);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      runAsOwner(join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]);
    },
  };
}
