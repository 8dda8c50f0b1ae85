// The code-list versions this build knows (current and history, services/shared/vocab CODE_LIST_VERSIONS),
// by the hash the chain records for them, with the step rights each gives the agency types: what the
// chain's TypeRightsChanged events must equal after a code-list change. Pure.
import { CODE_LIST_VERSIONS, codeListHash, typeRightsOf, type CodeLists, type TypeRights } from "../shared/codelists";
import type { TypeRightsTable } from "./rules";

export interface KnownCodeList {
  hash: string;
  version: string;
  lists: CodeLists;
  rights: TypeRights[];
}

export const KNOWN_CODE_LISTS: readonly KnownCodeList[] = CODE_LIST_VERSIONS.map((v) => ({
  // The hash is over the file as published (canonical JSON), not over its normalised form.
  hash: codeListHash(v.raw as CodeLists).toLowerCase(),
  version: v.lists.version,
  lists: v.lists,
  rights: typeRightsOf(v.lists),
}));

export function codeListByHash(hash: string): KnownCodeList | undefined {
  const h = hash.toLowerCase();
  return KNOWN_CODE_LISTS.find((v) => v.hash === h);
}

/** The newest version this build knows. */
export const NEWEST_CODE_LIST: KnownCodeList = KNOWN_CODE_LISTS[KNOWN_CODE_LISTS.length - 1];

const hex = (x: bigint) => "0x" + x.toString(16);

/**
 * Where the chain's rights table differs from a version's published rights, in words (empty: equal).
 * A type the version does not name must have no rights on chain.
 */
export function rightsDifferences(table: TypeRightsTable, expected: readonly TypeRights[]): string[] {
  const out: string[] = [];
  const named = new Set<number>();
  for (const r of expected) {
    named.add(r.agencyType);
    const onChain = table.get(r.agencyType);
    if (!onChain) out.push(`type ${r.agencyType}: no rights on chain, the code lists give steps ${hex(r.steps)}${r.allocationScoped ? " (allocation-scoped)" : ""}`);
    else if (onChain.steps !== r.steps || onChain.allocationScoped !== r.allocationScoped) {
      out.push(`type ${r.agencyType}: steps ${hex(onChain.steps)}${onChain.allocationScoped ? " allocation-scoped" : ""} on chain, ${hex(r.steps)}${r.allocationScoped ? " allocation-scoped" : ""} in the code lists`);
    }
  }
  for (const t of table.types()) {
    const onChain = table.get(t)!;
    if (!named.has(t) && (onChain.steps !== 0n || onChain.allocationScoped)) out.push(`type ${t}: steps ${hex(onChain.steps)} on chain, a type the code lists do not have`);
  }
  return out;
}
