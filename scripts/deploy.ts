// `npm run deploy`: deploy the ledger to the network Hardhat is pointed at (HARDHAT_NETWORK, default
// localhost). `hardhat run` compiles first.
import { network } from "hardhat";
import { deployLedger } from "./lib/deploy-ledger";
import { DEFAULT_RPC_URL } from "../services/shared/paths";

const url = "url" in network.config ? network.config.url : DEFAULT_RPC_URL;
deployLedger(url).catch((err) => {
  console.error(`Deployment failed: ${err instanceof Error ? err.message : err}`);
  process.exit(2);
});
