// The vocabulary of snapshot validation: the rules by name, one problem record, and the sink that either stops at
// the first problem (import, restore: a snapshot is all or nothing) or collects a bounded list (fsck).
import { PondError } from '../../core/errors';

/**
 * Every rule the validator applies. The name is part of each refusal's message and `detail.rule`, so a user, a test
 * or support can tell which promise a snapshot broke.
 */
export const RULES = {
  'commit-name': 'a _delta_log file name is a commit version (20 digits, at most 2^53 - 1)',
  'commit-contiguous': 'commit versions run 0, 1, 2 … without a gap',
  'commit-json': 'a commit is whole: newline-terminated UTF-8 JSON, one action a line',
  'commit-protocol': 'commit 0 carries protocol (reader 1, writer 2) and metaData with the pond id',
  'commit-info': "every commit carries commitInfo with the pond's record (txnSeq = version, timestamps in range)",
  'commit-add': 'every add action has path, size, modificationTime and tags.sha256 / tags.rows',
  'add-path': 'an added file is a relative oplog/… path inside the pond',
  'add-present': 'every added file is present',
  'add-size': 'every added file has the size its add action records',
  'add-hash': 'every added file has the SHA-256 its add action records',
  'oplog-parquet': 'an oplog file is Parquet with the oplog columns',
  'entry-type': 'every row has a known entry type, the same for all versions of a node',
  'row-field': 'every row is well typed (ids, versions, sizes, hashes, attributes)',
  'row-version': 'versions of a node start at 1 and increase',
  'row-txn': "a row's txn_seq and timestamp are those of the commit that added it",
  'timestamp-range': 'commit times 0 ≤ t < 2^53 µs; event-time bounds min ≤ max',
  'directory-content': "a directory version's content is a JSON list of added and removed children",
  name: 'every name is valid by the rules of mkdir (no "/", ".", "..", empty, control characters, over 255)',
  'tree-root': 'the root is a directory',
  'tree-parent': 'every node has one name (one parent)',
  'tree-cycle': 'no directory contains itself or an ancestor',
  'tree-type': "a child's entry type is its node's",
  'tree-duplicate-name': 'no two children of a directory share a name',
  'tree-dangling': 'every child is a node that exists',
  'tree-depth': 'no entry is more than MAX_TREE_DEPTH (256) names below the root',
  'inline-size': 'inline content has the size its row records',
  'inline-hash': "inline content matches its row's SHA-256",
  'blob-present': 'every blob a row refers to is present with its recorded size',
  'blob-hash': "every blob hashes to its name (does not match recorded hash otherwise)",
  'parquet-magic': 'series and table versions are Parquet (start and end with PAR1)',
  'blob-ranges': "a large Parquet version's recorded byte ranges (parquet_ranges: footer, row groups) lie within its blob and hash to what they record",
  'pond-id': 'the snapshot is the pond it claims to be',
  checkpoint: "a Delta checkpoint is whole and says what the JSON commits say at its version (live files, pond id, name), and _last_checkpoint names one",
} as const;

export type RuleName = keyof typeof RULES;

/** One broken promise: the rule, the file it is in, and where in that file (row, action, node). */
export interface Problem {
  rule: RuleName;
  /** Store path of the file at fault (`_delta_log/…`, `oplog/…`, `blobs/…`), or '' for the pond as a whole. */
  file: string;
  /** The row, action or node, in words (`row 3 (node …, v2)`), when narrower than the file. */
  where?: string;
  message: string;
}

/** The text of a problem, as a refusal message and as an fsck line. */
export function problemText(p: Problem): string {
  const at = [p.file, p.where].filter(Boolean).join(' ');
  return `${at ? `${at}: ` : ''}${p.message} (rule ${p.rule})`;
}

export function problemError(p: Problem): PondError {
  return new PondError('CORRUPT', `snapshot refused: ${problemText(p)}`, { detail: { rule: p.rule, file: p.file, ...(p.where ? { where: p.where } : {}) } });
}

/**
 * Where checks report. `first` throws the first problem as CORRUPT (import and restore stop there); `all` keeps up to
 * `limit` problems and counts the rest (fsck reports everything, in bounded memory).
 */
export class ProblemSink {
  readonly problems: Problem[] = [];
  /** Problems past the limit: counted, not kept. */
  dropped = 0;

  constructor(readonly mode: 'first' | 'all', private readonly limit = 200) {}

  add(rule: RuleName, file: string, message: string, where?: string): void {
    const p: Problem = { rule, file, message, ...(where ? { where } : {}) };
    if (this.mode === 'first') throw problemError(p);
    if (this.problems.length < this.limit) this.problems.push(p);
    else this.dropped++;
  }

  get count(): number {
    return this.problems.length + this.dropped;
  }
}

/** Latest commit (row) time: 2^53 µs is about the year 2255, the last µs a JS number counts exactly. */
export const MAX_COMMIT_TIME_US = 2 ** 53 - 1;
export function isCommitTimeUs(t: unknown): t is number {
  return typeof t === 'number' && Number.isSafeInteger(t) && t >= 0 && t <= MAX_COMMIT_TIME_US;
}

/**
 * Event times are the data's own (a logger's year 1 or 9999 is data, not damage): any Int64 µs a Parquet file can
 * hold is accepted, and the layers that show them handle those past 2^53 µs (issue 10, "any time a Parquet file can
 * hold"). Refusing them would refuse the app's own exports. Only min ≤ max is a rule.
 */
export function isEventTimeUs(t: unknown): t is number {
  return typeof t === 'number' && Number.isFinite(t) && Math.abs(t) <= 2 ** 63;
}

/** A name or value cut short for a message: a 10 000-character name must not make a 10 000-character error. */
export function shown(s: unknown, max = 60): string {
  if (typeof s !== 'string') return String(s).slice(0, max); // numbers, null, undefined: as they are
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}
