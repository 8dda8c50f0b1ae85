// oidc-provider's storage for one development identity provider: everything in this process's memory
// (sessions, codes, tokens; gone on restart, which a development provider may forget). Each started
// provider has its own store, so tests can run several side by side.
type Payload = Record<string, unknown> & { uid?: string; userCode?: string; grantId?: string; consumed?: number };

export function memoryAdapter(): new (name: string) => unknown {
  const store = new Map<string, { payload: Payload; expiresAt: number }>();
  const alive = (key: string): Payload | undefined => {
    const e = store.get(key);
    if (e && e.expiresAt < Date.now()) store.delete(key);
    return e && e.expiresAt >= Date.now() ? e.payload : undefined;
  };
  return class MemoryAdapter {
    constructor(private readonly name: string) {}
    private key(id: string): string {
      return `${this.name}:${id}`;
    }
    async upsert(id: string, payload: Payload, expiresIn: number): Promise<void> {
      store.set(this.key(id), { payload, expiresAt: Date.now() + expiresIn * 1000 });
    }
    async find(id: string): Promise<Payload | undefined> {
      return alive(this.key(id));
    }
    async findByUid(uid: string): Promise<Payload | undefined> {
      for (const [key, e] of store) if (key.startsWith(`${this.name}:`) && e.payload.uid === uid) return alive(key);
      return undefined;
    }
    async findByUserCode(userCode: string): Promise<Payload | undefined> {
      for (const [key, e] of store) if (key.startsWith(`${this.name}:`) && e.payload.userCode === userCode) return alive(key);
      return undefined;
    }
    async consume(id: string): Promise<void> {
      const p = alive(this.key(id));
      if (p) p.consumed = Math.floor(Date.now() / 1000);
    }
    async destroy(id: string): Promise<void> {
      store.delete(this.key(id));
    }
    async revokeByGrantId(grantId: string): Promise<void> {
      for (const [key, e] of store) if (e.payload.grantId === grantId) store.delete(key);
    }
  };
}
