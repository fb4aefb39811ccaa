// A pull's check with the device's state (snapshot-check.ts `device`, device-state.ts): only the new commits are read
// and their rows folded onto the open pond's tree. Each case is checked twice over the same files, with the device's
// state and without it (the live files decoded and folded again, as before): the two must agree on the rule refused,
// or on the content root when the pull is good, and the device path must really read only the new files.
import { beforeAll, describe, expect, it } from 'vitest';
import { strToU8 } from 'fflate';
import { uuidv7 } from 'uuidv7';
import { ROOT_ID } from '../../../src/core/entry';
import { isPondError } from '../../../src/core/errors';
import { Pond } from '../../../src/pond/pond';
import type { DeviceState } from '../../../src/pond/validate/device-state';
import { checkSnapshot, type SnapshotReport } from '../../../src/pond/validate/snapshot-check';
import { CRAFTED, appendCommit, basePond, commitCount, commitLines, setCommitLines, storeOf, type BasePond, type PondFiles } from '../../helpers/crafted-snapshots';

let base: BasePond;
let device: DeviceState;
const SINCE = 2; // the base pond's head: commits after it are the pull's
const copy = (f: PondFiles): PondFiles => new Map([...f].map(([k, v]) => [k, v.slice()]));

beforeAll(async () => {
  base = await basePond();
  const pond = await Pond.open(await storeOf(base.files), { readOnly: true });
  device = { version: pond.version, state: pond.fs, files: pond.files };
});

type Outcome = { rule: string } | { report: SnapshotReport };

async function check(files: PondFiles, withDevice: boolean): Promise<Outcome> {
  const store = await storeOf(files);
  try {
    return { report: await checkSnapshot(store, { mode: 'first', quick: true, since: SINCE, pondId: base.pondId, ...(withDevice ? { device } : {}) }) };
  } catch (e) {
    if (!isPondError(e, 'CORRUPT')) throw e;
    return { rule: (e.detail as { rule: string }).rule };
  }
}

/** Both ways over the same files; they must agree. Returns the device path's outcome. */
async function bothWays(files: PondFiles): Promise<Outcome> {
  const [incremental, folded] = [await check(files, true), await check(files, false)];
  if ('rule' in folded) expect(incremental).toEqual({ rule: folded.rule });
  else {
    expect('report' in incremental, JSON.stringify(incremental)).toBe(true);
    const r = (incremental as { report: SnapshotReport }).report;
    expect(r.root).toBe(folded.report.root);
    expect(r.nodes).toBe(folded.report.nodes);
    expect(r.version).toBe(folded.report.version);
  }
  return incremental;
}

const expectRule = (o: Outcome, rule: string) => expect(o, JSON.stringify(o)).toEqual({ rule });
const expectGood = (o: Outcome) => {
  expect('report' in o, JSON.stringify(o)).toBe(true);
  return (o as { report: SnapshotReport }).report;
};

describe('a pull checked against the device state', () => {
  it('reads only the new commit and its file, and agrees with the full fold on a good pull', async () => {
    const files = copy(base.files);
    const id = uuidv7();
    await appendCommit(files, base, async (c) => [c.dir(c.ids['/a/b']!, [{ name: 'new.txt', node_id: id, entry_type: 'file:data' }]), await c.file(id, c.ids['/a/b']!, 'file:data', strToU8('new'))]);
    const r = expectGood(await bothWays(files));
    expect(r.commits).toBe(1); // only commit 3
    expect(r.oplogFiles).toBe(1);
    expect(r.nodes).toBe(8);
    const folded = expectGood(await check(files, false));
    expect(folded.oplogFiles).toBe(4); // the folded check decodes the device's live files too
  });

  // Every crafted case that only appends commits (the device's own files untouched) is a crafted pull.
  for (const c of CRAFTED) {
    it(`refuses the crafted pull "${c.name}" with rule ${c.rule}, as the full fold does`, async () => {
      const files = copy(base.files);
      await c.craft(files, base);
      const touched = [...base.files].some(([p, b]) => { const now = files.get(p); return !now || now.length !== b.length || now.some((x, i) => x !== b[i]); });
      if (touched || commitCount(files) === commitCount(base.files)) {
        // Not a pull: it changes what the device holds (checked when it came) or adds no commit. Such cases are the
        // restore's (tests/unit/pond/validate.test.ts); here they must at least not pass with the device but fail without.
        const [incremental, folded] = [await check(files, true), await check(files, false)];
        if ('report' in folded) expect('report' in incremental, JSON.stringify(incremental)).toBe(true);
        return;
      }
      // The quick check leaves re-hashing to the download (`verified`) and to fsck: a blob crafted in place here (no
      // download hashed it) passes both ways; every other rule is the case's own.
      const quickSkips = c.rule === 'blob-hash' || c.rule === 'blob-ranges';
      const outcome = await bothWays(files);
      if (!quickSkips) expectRule(outcome, c.rule);
    });
  }

  it('refuses a new version of an old node that does not come after the device\'s (row-version)', async () => {
    const files = copy(base.files);
    await appendCommit(files, base, async (c) => [{ ...(await c.file(c.ids['/a/small.txt']!, c.ids['/a']!, 'file:data', strToU8('again'))), version: 1 }]);
    expectRule(await bothWays(files), 'row-version');
  });

  it('refuses an old file node turned into a directory (entry-type)', async () => {
    const files = copy(base.files);
    await appendCommit(files, base, (c) => [c.dir(c.ids['/a/small.txt']!, [])].map((r) => ({ ...r, part_id: r.node_id })));
    expectRule(await bothWays(files), 'entry-type');
  });

  it('refuses a new directory that contains an old ancestor (tree-cycle), built over two new commits', async () => {
    const files = copy(base.files);
    const d = uuidv7();
    await appendCommit(files, base, (c) => [c.dir(c.ids['/a/b']!, [{ name: 'd', node_id: d, entry_type: 'directory' }]), c.dir(d, [])]);
    await appendCommit(files, base, (c) => [c.dir(d, [{ name: 'loop', node_id: c.ids['/a']!, entry_type: 'directory' }])]);
    expectRule(await bothWays(files), 'tree-cycle');
  });

  it('refuses a second name for an old node through an old directory (tree-parent)', async () => {
    const files = copy(base.files);
    await appendCommit(files, base, (c) => [c.dir(c.ids['/a/b']!, [{ name: 'twin', node_id: c.ids['/a/small.txt']!, entry_type: 'file:data' }])]);
    expectRule(await bothWays(files), 'tree-parent');
  });

  it('refuses a name the old directory already has (tree-duplicate-name) and accepts it once removed', async () => {
    const dup = copy(base.files);
    const id = uuidv7();
    await appendCommit(dup, base, async (c) => [c.dir(c.ids['/a']!, [{ name: 'small.txt', node_id: id, entry_type: 'file:data' }]), await c.file(id, c.ids['/a']!, 'file:data', strToU8('x'))]);
    expectRule(await bothWays(dup), 'tree-duplicate-name');
    const replaced = copy(base.files);
    await appendCommit(replaced, base, async (c) => [c.dir(c.ids['/a']!, [{ name: 'small.txt', node_id: id, entry_type: 'file:data' }], ['small.txt']), await c.file(id, c.ids['/a']!, 'file:data', strToU8('x'))]);
    expectGood(await bothWays(replaced));
  });

  it('accepts a removed directory entry (the old node no longer reachable), with the full fold\'s content root', async () => {
    const files = copy(base.files);
    await appendCommit(files, base, (c) => [c.dir(c.ids['/a']!, [], ['b'])]);
    const r = expectGood(await bothWays(files));
    expect(r.nodes).toBe(5); // /a/b and /a/b/temps are gone from the tree
  });

  it('refuses an old directory naming a node that does not exist (tree-dangling), and a name re-added with a type its node does not have (tree-type)', async () => {
    const ghost = copy(base.files);
    await appendCommit(ghost, base, (c) => [c.dir(c.ids['/a/b']!, [{ name: 'gone', node_id: uuidv7(), entry_type: 'file:data' }])]);
    expectRule(await bothWays(ghost), 'tree-dangling');
    const typed = copy(base.files);
    await appendCommit(typed, base, (c) => [c.dir(ROOT_ID, [{ name: 'link', node_id: c.ids['/a/b']!, entry_type: 'file:data' }], ['link'])]);
    expectRule(await bothWays(typed), 'tree-type');
  });

  it('folds the live files again when a new commit removes one (not what a pull of this app brings), and still agrees', async () => {
    const files = copy(base.files);
    await appendCommit(files, base, (c) => [c.dir(c.ids['/a']!, [], ['big.bin'])]);
    const lines = commitLines(files, 3);
    const victim = commitLines(files, 2).find((l) => l.add)!.add.path as string; // the append of /a/b/temps
    setCommitLines(files, 3, [...lines, { remove: { path: victim, deletionTimestamp: 1, dataChange: true } }]);
    const r = expectGood(await bothWays(files));
    expect(r.oplogFiles).toBe(expectGood(await check(files, false)).oplogFiles); // the device's state was not used
    expect(r.nodes).toBe(6); // /a/big.bin removed; /a/b/temps keeps only the version of the file still live
  });

  it('in fsck-like `all` mode, a new commit that cannot be parsed is reported alone, as without the device state', async () => {
    const files = copy(base.files);
    await appendCommit(files, base, (c) => [c.dir(c.ids['/a']!, [], ['small.txt'])]);
    files.set('_delta_log/00000000000000000003.json', strToU8('not json\n'));
    const store = await storeOf(files);
    const rules = async (withDevice: boolean) => (await checkSnapshot(store, { mode: 'all', quick: true, since: SINCE, pondId: base.pondId, ...(withDevice ? { device } : {}) })).problems.map((p) => p.rule);
    expect(await rules(true)).toEqual(['commit-json']);
    expect(await rules(false)).toEqual(['commit-json']);
  });

  it('ignores a device state that is not as of `since`', async () => {
    const files = copy(base.files);
    await appendCommit(files, base, (c) => [c.dir(c.ids['/a']!, [], ['small.txt'])]);
    const store = await storeOf(files);
    const r = await checkSnapshot(store, { mode: 'first', quick: true, since: SINCE, pondId: base.pondId, device: { ...device, version: SINCE - 1 } });
    expect(r.oplogFiles).toBe(4);
  });
});
