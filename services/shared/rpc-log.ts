// A log as eth_getLogs and receipts carry it (JSON-RPC form, quantities as hex strings): what the
// agency's chain adapter and the audit both read.
export interface RpcLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  transactionIndex?: string;
  logIndex: string;
  removed?: boolean;
}
