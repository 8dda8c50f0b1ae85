// The service's pino logger. With LOG_FILE the service writes its log to that file itself, synchronously,
// so the last lines (the shutdown line above all) are on disk when the process exits, whatever happens to
// whoever started it; standard error then carries only warnings and errors, which `npm start` echoes to
// the console. Without LOG_FILE everything goes to standard output, as a container platform expects.
import pino, { type Logger } from "pino";
import type { Config } from "./config";

export function serviceLogger(config: Pick<Config, "agency" | "logLevel" | "logFile">): Logger {
  const options = { level: config.logLevel, base: { service: "anker-agency", agency: config.agency } };
  if (!config.logFile || config.logLevel === "silent") return pino(options);
  const file = pino.destination({ dest: config.logFile, append: true, mkdir: true, sync: true });
  const stderr = pino.destination({ fd: 2, sync: true });
  return pino(
    options,
    pino.multistream([
      { level: config.logLevel as pino.Level, stream: file },
      { level: "warn", stream: stderr },
    ]),
  );
}
