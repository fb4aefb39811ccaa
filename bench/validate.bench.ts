// Snapshot validation and fsck (issue 10): import-zip of a 200 MiB pond with the validator vs the same import without
// it; fsck of a 200 MiB pond vs a plain SHA-256 of the same bytes in this worker; fsck --quick of a 10 000-commit pond.
import { uuidv7 } from 'uuidv7';
import { zipBlob } from '../src/service/backup/remotes';
import { sha256Hex } from '../src/pond/hash';
import { Pond } from '../src/pond/pond';
import { fsckPond } from '../src/pond/validate/fsck';
import { committedPondFiles } from '../src/remote/layout';
import { importZip } from '../src/remote/zip-import';
import { OpfsStore } from '../src/storage/opfs-store';
import { buildPond as buildCommits, removeOpfs } from './pond.bench';
import { collectGarbage, median, round, timed, type BenchContext, type BenchResult, type Benchmark } from './types';
import { randomBytes } from './random-bytes';

const MiB = 1024 * 1024;
const FOLDER = 'bench-validate';


/** A pond in OPFS of `total` bytes: 20 MiB blobs (built from 1 MiB pieces) and a few small inline files. */
async function bigPond(ctx: BenchContext, total: number): Promise<{ pond: Pond; path: string }> {
  const id = uuidv7();
  const path = `${FOLDER}/${id}`;
  const pond = await Pond.create(await OpfsStore.open(path), { pondId: id });
  const fileSize = Math.min(20 * MiB, total);
  for (let i = 0, left = total; left > 0; i++, left -= fileSize) {
    let blob = new Blob([]);
    for (let off = 0; off < Math.min(fileSize, left); off += MiB) blob = new Blob([blob, randomBytes(Math.min(MiB, left - off), i * 1000 + off / MiB + 1) as Uint8Array<ArrayBuffer>]);
    await pond.transact(`write /f${i}.bin`, (tx) => tx.writeFile(`/data/f${i}.bin`, 'file:data', blob, {}, { parents: true }));
  }
  for (let i = 0; i < 5; i++) await pond.transact(`note ${i}`, (tx) => tx.writeFile(`/notes/n${i}.txt`, 'file:data', randomBytes(2000, 100 + i), {}, { parents: true }));
  ctx.log(`built a ${round(total / MiB)} MiB pond (${pond.version + 1} commits)`);
  return { pond, path };
}

/** import-zip with the validator vs without it, interleaved, each into a fresh OPFS folder. */
async function importWithValidation(ctx: BenchContext): Promise<BenchResult> {
  const size = ctx.quick ? 20 * MiB : 200 * MiB;
  const reps = ctx.quick ? 1 : 4;
  const { pond, path } = await bigPond(ctx, size);
  try {
    const zip = await zipBlob(pond, 'bench', undefined, { signal: new AbortController().signal, onProgress: () => undefined });
    const withMs: number[] = [];
    const withoutMs: number[] = [];
    // The order alternates (without first, then with first …): the first import of a pair runs right after the
    // previous pair's folder removal, which OPFS may still be finishing, and should not always be the same kind.
    for (let r = 0; r < reps; r++) {
      for (const validate of r % 2 === 0 ? [false, true] : [true, false]) {
        const target = `${FOLDER}/import-${uuidv7()}`;
        const store = await OpfsStore.open(target);
        collectGarbage();
        const [ms] = await timed(() => importZip(zip.blob, store, { validate }));
        (validate ? withMs : withoutMs).push(ms);
        await removeOpfs(target);
      }
      ctx.log(`run ${r + 1}: without ${round(withoutMs.at(-1)!)} ms, with ${round(withMs.at(-1)!)} ms`);
    }
    return {
      figure: round(median(withMs)), unit: 'ms', baseline: round(median(withoutMs)), baselineLabel: `the same import of ${round(zip.blob.size / MiB)} MiB without validation`,
      notes: `median of ${reps} interleaved imports each; with: ${withMs.map((x) => round(x, 0)).join(', ')} ms; without: ${withoutMs.map((x) => round(x, 0)).join(', ')} ms. Blobs are not hashed a second time (the extraction's hashes are the manifest's).`,
      details: { withMs, withoutMs, zipBytes: zip.blob.size },
    };
  } finally {
    await removeOpfs(path);
  }
}

/** fsck (every blob re-hashed) vs reading and hashing every file of the pond once with WebCrypto, interleaved. */
async function fsckVsSha(ctx: BenchContext): Promise<BenchResult> {
  const size = ctx.quick ? 20 * MiB : 200 * MiB;
  const reps = ctx.quick ? 1 : 3;
  const { pond, path } = await bigPond(ctx, size);
  try {
    const { files } = await committedPondFiles(pond.store);
    const fsckMs: number[] = [];
    const shaMs: number[] = [];
    let bytes = 0;
    for (let r = 0; r < reps; r++) {
      collectGarbage();
      const [s] = await timed(async () => {
        bytes = 0;
        for (const p of files.keys()) { const b = await pond.store.read(p); bytes += b.length; await sha256Hex(b); }
      });
      shaMs.push(s);
      collectGarbage();
      const [f, report] = await timed(() => fsckPond(pond));
      if (report.problems.length) throw new Error(`fsck found problems: ${JSON.stringify(report.problems.slice(0, 3))}`);
      fsckMs.push(f);
      ctx.log(`run ${r + 1}: sha ${round(s)} ms, fsck ${round(f)} ms (${report.blobBytesHashed} blob bytes hashed)`);
    }
    return {
      figure: round(median(fsckMs)), unit: 'ms', baseline: round(median(shaMs)), baselineLabel: `read + SHA-256 (WebCrypto) of the pond's ${files.size} files, ${round(bytes / MiB)} MiB`,
      notes: `median of ${reps} interleaved runs; fsck: ${fsckMs.map((x) => round(x, 0)).join(', ')} ms; plain: ${shaMs.map((x) => round(x, 0)).join(', ')} ms`,
      details: { fsckMs, shaMs, bytes },
    };
  } finally {
    await removeOpfs(path);
  }
}

/** fsck --quick of a pond of 10 000 commits (compacting every 50, as the app does), opened from OPFS. */
async function quickFsck(ctx: BenchContext): Promise<BenchResult> {
  const txns = ctx.quick ? 1000 : 10_000;
  const root = `${FOLDER}/quick-${uuidv7()}`;
  try {
    const head = await buildCommits(ctx, root, txns);
    const pond = await Pond.open(await OpfsStore.open(root), { readOnly: true });
    if (pond.version !== head) throw new Error(`opened at ${pond.version}, built ${head}`);
    const quickMs: number[] = [];
    const openMs: number[] = [];
    for (let r = 0; r < 5; r++) {
      collectGarbage();
      const [o] = await timed(async () => Pond.open(await OpfsStore.open(root), { readOnly: true }));
      openMs.push(o);
      collectGarbage();
      const [q, report] = await timed(() => fsckPond(pond, { quick: true }));
      if (report.problems.length) throw new Error(`fsck found problems: ${JSON.stringify(report.problems.slice(0, 3))}`);
      quickMs.push(q);
    }
    const [fullMs] = await timed(() => fsckPond(pond));
    ctx.log(`quick fsck ${quickMs.map((x) => round(x, 0)).join(', ')} ms; open ${openMs.map((x) => round(x, 0)).join(', ')} ms; full fsck ${round(fullMs)} ms`);
    return {
      figure: round(median(quickMs)), unit: 'ms', baseline: round(median(openMs)), baselineLabel: `opening the same ${head + 1}-commit pond (read-only)`,
      notes: `median of 5; a full fsck of the same pond (every commit and oplog file parsed): ${round(fullMs)} ms`,
      details: { quickMs, openMs, fullMs, head },
    };
  } finally {
    await removeOpfs(root);
  }
}

export const benchmarks: Benchmark[] = [
  { name: 'validate/import-zip-200MiB', goal: '<= 1.3x the import without validation', met: (r) => r.figure <= 1.3 * r.baseline, run: importWithValidation },
  { name: 'validate/fsck-200MiB', goal: '<= 1.5x a plain SHA-256 of the same bytes', met: (r) => r.figure <= 1.5 * r.baseline, run: fsckVsSha },
  { name: 'validate/fsck-quick-10k', goal: '< 1 s', met: (r) => r.figure < 1000, run: quickFsck },
];
