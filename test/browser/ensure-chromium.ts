// The browser tests drive Debian's chromium (never a downloaded browser build). If it is missing, install
// it when running as root; otherwise fail with the exact command — never skip silently.
import { execSync } from "node:child_process";
import { existsSync } from "node:fs";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const INSTALL_COMMAND = "apt-get update && apt-get install -y --no-install-recommends chromium fonts-liberation";

export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(`Chromium is missing at ${CHROMIUM}. Install it as root with:\n  sudo sh -c '${INSTALL_COMMAND}'`);
  }
  console.log(`Chromium is missing at ${CHROMIUM}; installing it: ${INSTALL_COMMAND}`);
  execSync(INSTALL_COMMAND, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (!existsSync(CHROMIUM)) throw new Error(`"${INSTALL_COMMAND}" ran, but ${CHROMIUM} is still missing`);
  return CHROMIUM;
}

/** The flags every test browser starts with (offline machine: no background traffic, no sandbox as root). */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
