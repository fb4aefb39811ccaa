// Rules for Delta checkpoints in a snapshot. The JSON commits stay the truth; a checkpoint is a copy of the state
// at its version that opening (and any Delta engine reading the backup) trusts instead of the commits before it. So
// a checkpoint that cannot be read, or that says anything else than the commits say at its version, is reported
// (rule `checkpoint`): in an import or restore that refuses the snapshot, rather than keeping a file that would make
// this app or an engine see another pond. A snapshot is never torn, so a torn checkpoint is a fault here too,
// unlike on the device, where opening passes over a checkpoint its writer did not finish.
import { isPondError } from '../../core/errors';
import type { Store } from '../../core/store';
import { CHECKPOINT_INTERVAL, LAST_CHECKPOINT_PATH, checkpointPath, decodeCheckpoint, parseLastCheckpoint } from '../../oplog/checkpoint';
import { LOG_DIR, type AddAction, type Commit } from '../../oplog/delta-log';
import type { ProblemSink } from './problems';

const CHECKPOINT_NAME = /^(\d{20})\.checkpoint\.parquet$/;

/** What the JSON commits say at one version: the live files and the name. */
interface StateAt { live: Map<string, AddAction>; name: string | undefined }

/**
 * Checks every checkpoint in `names` (the _delta_log listing), and `_last_checkpoint`.
 * `commits` are the parsed commits, oldest first, from `from` (0 in a full check; the newest compaction in a quick
 * one, where older checkpoints are left to the full check, as the commits before it are).
 */
export async function checkCheckpoints(store: Store, names: readonly string[], commits: readonly Commit[], head: number, pondId: string | undefined, sink: ProblemSink, upTo?: number): Promise<number> {
  const all = names.map((n) => CHECKPOINT_NAME.exec(n)).filter((m): m is RegExpExecArray => m !== null).map((m) => Number(m[1])).sort((a, b) => a - b);
  // fsck of a live pond (upTo) leaves checkpoints of newer commits alone; in a snapshot one is a stray file.
  if (upTo === undefined) for (const v of all.filter((x) => x > head)) sink.add('checkpoint', checkpointPath(v), `is past the newest commit (${head})`);
  const versions = all.filter((v) => v <= head);
  const hasLast = names.includes('_last_checkpoint');
  if (versions.length === 0 && !hasLast) return 0;
  const from = commits[0]?.version ?? 0;
  // The state at each checkpoint's version, folded once over the commits.
  const wanted = new Set(versions.filter((v) => v >= from));
  const states = new Map<number, StateAt>();
  const live = new Map<string, AddAction>();
  let name: string | undefined;
  for (const c of commits) {
    for (const p of c.removes) live.delete(p);
    for (const a of c.adds) live.set(a.path, a);
    name = c.info.duckpond.pondName ?? name;
    if (wanted.has(c.version)) states.set(c.version, { live: new Map(live), name });
  }
  let checked = 0;
  for (const v of versions) {
    const file = checkpointPath(v);
    if (v % CHECKPOINT_INTERVAL !== 0 || v === 0) { sink.add('checkpoint', file, `is at version ${v}, not a multiple of ${CHECKPOINT_INTERVAL}`); continue; }
    const state = states.get(v);
    if (!state) continue; // before the checked range (quick check) or its commit could not be parsed (reported already)
    let cp;
    try {
      cp = await decodeCheckpoint(v, await store.read(file));
    } catch (e) {
      if (!isPondError(e, 'CORRUPT')) throw e;
      sink.add('checkpoint', file, e.message.replace(`${file} `, ''));
      continue;
    }
    checked++;
    if (pondId !== undefined && cp.pondId !== pondId) { sink.add('checkpoint', file, `names pond ${cp.pondId}, the commits name ${pondId}`); continue; }
    if (cp.name !== state.name) sink.add('checkpoint', file, `records the pond name ${JSON.stringify(cp.name ?? null)}, the commits ${JSON.stringify(state.name ?? null)} at version ${v}`);
    const extra = cp.adds.filter((a) => !state.live.has(a.path)).map((a) => a.path);
    const missing = [...state.live.keys()].filter((p) => !cp.adds.some((a) => a.path === p));
    const differs = cp.adds.filter((a) => {
      const j = state.live.get(a.path);
      return j && (j.size !== a.size || j.tags.sha256 !== a.tags.sha256 || j.tags.rows !== a.tags.rows);
    }).map((a) => a.path);
    if (extra.length || missing.length || differs.length) {
      const parts = [
        extra.length ? `adds ${extra.length} file(s) not live at version ${v} (${extra[0]})` : '',
        missing.length ? `lacks ${missing.length} live file(s) (${missing[0]})` : '',
        differs.length ? `records another size or hash for ${differs.length} file(s) (${differs[0]})` : '',
      ].filter(Boolean);
      sink.add('checkpoint', file, `disagrees with the JSON commits: it ${parts.join('; ')}`);
    }
  }
  if (hasLast) {
    const last = parseLastCheckpoint(await store.read(LAST_CHECKPOINT_PATH));
    if (!last) sink.add('checkpoint', LAST_CHECKPOINT_PATH, 'is not a whole _last_checkpoint ({"version": a multiple of 100, "size": rows})');
    else if (last.version > head) {
      if (upTo === undefined) sink.add('checkpoint', LAST_CHECKPOINT_PATH, `names checkpoint ${last.version}, past the newest commit (${head})`);
    } else {
      if (!versions.includes(last.version)) sink.add('checkpoint', LAST_CHECKPOINT_PATH, `names checkpoint ${last.version}, which is not in ${LOG_DIR}`);
      else if (states.has(last.version) && last.size !== states.get(last.version)!.live.size + 2) {
        sink.add('checkpoint', LAST_CHECKPOINT_PATH, `says checkpoint ${last.version} has ${last.size} rows; it has ${states.get(last.version)!.live.size + 2}`);
      }
    }
  }
  return checked;
}
