// The race cases of the port contracts. Real backends serialise conditional writes to one item
// (DynamoDB, S3 conditional puts, SQLite, the filesystem adapters), and there the calls run
// concurrently. moto's server handles requests on threads with no per-item lock, so two
// conditional writes can both pass their condition: against moto the same calls run one after
// another, which still checks each condition expression, though not the service's atomicity.
export interface ContractOptions {
  /** False for a backend that does not serialise concurrent conditional writes (moto). */
  readonly atomic?: boolean;
}

export async function race<T>(o: ContractOptions, calls: readonly (() => Promise<T>)[]): Promise<PromiseSettledResult<T>[]> {
  if (o.atomic ?? true) return Promise.allSettled(calls.map((c) => c()));
  const out: PromiseSettledResult<T>[] = [];
  for (const c of calls)
    out.push(
      await c().then(
        (value) => ({ status: "fulfilled" as const, value }),
        (reason: unknown) => ({ status: "rejected" as const, reason }),
      ),
    );
  return out;
}

/** The options for contracts run against moto. */
export const MOTO: ContractOptions = { atomic: false };

/** The fulfilled values, failing the test on any rejection. */
export function values<T>(results: PromiseSettledResult<T>[]): T[] {
  return results.map((r) => {
    if (r.status === "rejected") throw r.reason;
    return r.value;
  });
}

/** Says once per suite that its race cases ran one call after another, and why. */
export function announceSequential(name: string, o: ContractOptions): void {
  if (o.atomic ?? true) return;
  console.log(
    `NOTE ${name}: race cases run their calls one after another (moto does not serialise concurrent conditional writes); the conditions are checked, the service's atomicity is not`,
  );
}
