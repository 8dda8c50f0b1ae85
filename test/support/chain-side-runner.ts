// A service process without the HTTP API (same wiring as main.ts): the fault tests start it, kill it
// with SIGKILL, and start it again on the same store.
import { runService } from "../../services/agency/main";

runService({ withApi: false }).then(
  (service) => {
    process.once("SIGTERM", () => void service.stop().then(() => process.exit(0)));
  },
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
