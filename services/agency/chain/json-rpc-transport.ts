// ethers' JsonRpcProvider with the HTTP round trip done by Node's fetch: ethers' own transport decodes
// every response body with a JavaScript UTF-8 decoder and copies it twice, which cost more CPU than
// anything else in the chain adapter at a few hundred steps a second (receipts and eth_getLogs answers of
// hundreds of logs). Same standard JSON-RPC over HTTP POST, same error codes for the callers
// (rpc-errors.ts): transport failures keep their cause's code (ECONNREFUSED, ...), a timeout is TIMEOUT,
// an HTTP error status is SERVER_ERROR.
import { JsonRpcProvider, type JsonRpcPayload, type JsonRpcResult, type Networkish, type JsonRpcApiProviderOptions } from "ethers";

function transportError(message: string, code: "TIMEOUT" | "SERVER_ERROR"): Error {
  return Object.assign(new Error(message), { code, shortMessage: message });
}

export class FetchJsonRpcProvider extends JsonRpcProvider {
  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
    network?: Networkish,
    options?: JsonRpcApiProviderOptions,
  ) {
    super(url, network, options);
  }

  override async _send(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      if ((err as Error).name === "TimeoutError") throw transportError(`no answer from ${this.url} within ${this.timeoutMs} ms`, "TIMEOUT");
      throw err; // fetch's TypeError carries the socket error (ECONNREFUSED, ...) as its cause
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw transportError(`HTTP ${res.status} from ${this.url}`, "SERVER_ERROR");
    }
    const body = (await res.json()) as JsonRpcResult | JsonRpcResult[];
    return Array.isArray(body) ? body : [body];
  }
}
