// The systemd unit of the agency service, written by the Besu kit beside the validators' units: one template
// for both agencies (`anker-agency@bamf`, `anker-agency@zab`). It restarts a crashed service with a growing
// delay as `npm start` does locally (1 s doubling to 30 s), never gives up for good, and does not restart a
// service that stopped on a bad setting (exit code 2): that needs an operator. See docs/operations/supervision.md.

export interface AgencyUnitSettings {
  /** where the repository (with node_modules) is installed on the agency's machine */
  appDir: string;
  /** the state folder (ANKER_DATA_DIR): keys, deployment record, SQLite database if no DATABASE_URL */
  dataDir: string;
  /** one environment file per agency: AGENCY, PORT, ANKER_RPC_URL, DATABASE_URL, ANKER_KEYSTORE_PASSWORD ... */
  envDir: string;
  nodeBinary: string;
  serviceUser: string;
}

export const DEFAULT_AGENCY_UNIT: AgencyUnitSettings = {
  appDir: "/opt/anker-ledger",
  dataDir: "/var/lib/anker-ledger",
  envDir: "/etc/anker-ledger",
  nodeBinary: "/usr/bin/node",
  serviceUser: "anker",
};

export function agencyServiceUnit(s: AgencyUnitSettings = DEFAULT_AGENCY_UNIT): string {
  return `# systemd template unit of the anker-ledger agency service, written by npm run network:besu.
# Install: cp anker-agency@.service /etc/systemd/system/ && systemctl enable --now anker-agency@bamf
# Settings of each agency in ${s.envDir}/agency-<instance>.env (see agency.env.example).
[Unit]
Description=anker-ledger agency service (%i)
Wants=network-online.target
After=network-online.target
# Keep restarting: an agency whose service stays down records nothing and hears of no partner step.
StartLimitIntervalSec=0

[Service]
Type=simple
User=${s.serviceUser}
Group=${s.serviceUser}
WorkingDirectory=${s.appDir}
Environment=NODE_ENV=production
Environment=ANKER_DATA_DIR=${s.dataDir}
EnvironmentFile=${s.envDir}/agency-%i.env
# node itself, no wrapper in between: SIGTERM reaches the service, which finishes the batches in flight,
# closes its database and logs "agency service stopped". Its log goes to the journal (no LOG_FILE).
ExecStart=${s.nodeBinary} --import tsx services/agency/main.ts
KillMode=mixed
KillSignal=SIGTERM
TimeoutStopSec=60
Restart=on-failure
# 1 s, doubling up to 30 s between restarts, as npm start does (RestartSteps/RestartMaxDelaySec need
# systemd 254 or newer; older versions ignore them with a warning and restart every second).
RestartSec=1s
RestartSteps=5
RestartMaxDelaySec=30s
# Exit code 2 is a bad setting: restarting cannot help.
RestartPreventExitStatus=2
NoNewPrivileges=true
ProtectSystem=strict
ProtectHome=true
PrivateTmp=true
ReadWritePaths=${s.dataDir}

[Install]
WantedBy=multi-user.target
`;
}

export function agencyEnvExample(s: AgencyUnitSettings = DEFAULT_AGENCY_UNIT): string {
  return `# ${s.envDir}/agency-bamf.env (mode 0600, owned by root): the settings of one agency service, as in the
# README's settings table. Copy it to agency-zab.env for ZAB and change AGENCY, PORT and the rest.
AGENCY=BAMF
HOST=127.0.0.1
PORT=3001
ANKER_RPC_URL=http://127.0.0.1:8545
# DATABASE_URL=postgresql://anker_bamf:...@db.example.internal:5432/anker_bamf
ANKER_KEYSTORE_PASSWORD=change-me
`;
}
