// The validator set of a QBFT chain with block-header validator selection, followed through the votes in
// extraData exactly as Besu follows it (hyperledger/besu, consensus/common/.../validator/blockbased/
// VoteTally.java and VoteTallyUpdater.java):
// - a vote is cast by the block's proposer (its coinbase, BftBlockInterface.extractVoteFromHeader);
// - a vote for a subject replaces the same proposer's earlier opposite vote for that subject;
// - when the add (or drop) votes for a subject reach floor(n/2) + 1 of the current n validators, the
//   subject is added (or dropped) and the outstanding votes about it are discarded; a dropped validator's
//   own outstanding votes are discarded too;
// - at an epoch block (number % epochLength == 0, EpochManager.isEpochBlock) every outstanding vote is
//   discarded and the epoch block's own vote is not counted.
// The set after block N is the one block N + 1 must list in its extraData and be sealed by
// (BftValidatorsValidationRule, BftCommitSealsValidationRule: getValidatorsAfterBlock(parent)).
import { sortValidators, type QbftVote } from "../../shared/qbft/extra-data";

export class VoteTally {
  private readonly current: Set<string>;
  private readonly addVotes = new Map<string, Set<string>>();
  private readonly dropVotes = new Map<string, Set<string>>();

  constructor(initialValidators: Iterable<string>) {
    this.current = new Set(sortValidators(initialValidators));
  }

  /** The validators after the last block applied, in Besu's (ascending) order. */
  get validators(): string[] {
    return sortValidators(this.current);
  }

  /** Votes still needed: floor(n/2) + 1 (VoteTally.validatorLimit). */
  get votesNeeded(): number {
    return Math.floor(this.current.size / 2) + 1;
  }

  /** Applies the block at `blockNumber` whose proposer (coinbase) cast `vote`; see the file comment. */
  applyBlock(blockNumber: number, proposer: string, vote: QbftVote | null, epochLength: number): void {
    if (blockNumber % epochLength === 0) {
      this.addVotes.clear();
      this.dropVotes.clear();
      return;
    }
    if (vote) this.addVote(proposer.toLowerCase(), vote);
  }

  private votesFor(map: Map<string, Set<string>>, subject: string): Set<string> {
    let votes = map.get(subject);
    if (!votes) map.set(subject, (votes = new Set()));
    return votes;
  }

  private addVote(proposer: string, vote: QbftVote): void {
    const subject = vote.recipient.toLowerCase();
    const adds = this.votesFor(this.addVotes, subject);
    const drops = this.votesFor(this.dropVotes, subject);
    if (vote.kind === "add") {
      adds.add(proposer);
      drops.delete(proposer);
    } else {
      drops.add(proposer);
      adds.delete(proposer);
    }
    const needed = this.votesNeeded;
    if (adds.size >= needed) {
      this.current.add(subject);
      this.addVotes.delete(subject);
      this.dropVotes.delete(subject);
    }
    if (drops.size >= needed) {
      this.current.delete(subject);
      this.addVotes.delete(subject);
      this.dropVotes.delete(subject);
      for (const votes of this.addVotes.values()) votes.delete(subject);
      for (const votes of this.dropVotes.values()) votes.delete(subject);
    }
  }
}
