// A pond's name travels in the pond: a restore from S3 (s3rver on 127.0.0.1) and a zip import through the REAL
// pond worker keep the name the pond had where it was made, and list it at once.
import { describe, expect, inject, it } from 'vitest';
import type { PondClient } from '../../../src/ui/pond-client';
import { connect } from '../../helpers/pond-clients';

const uniq = () => `r${crypto.randomUUID().slice(0, 8)}`;
const KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' };

/** Deletes a local pond: switching away first, because the writer lock is released asynchronously on close. */
async function deleteLocal(c: PondClient, id: string): Promise<void> {
  await c.api.createPond('elsewhere');
  await c.api.deletePond(id);
}

async function pondWithData(c: PondClient, name: string): Promise<string> {
  const { id } = await c.api.createPond(name);
  await c.api.writeFile('/notes.txt', new Blob([`notes of ${name}`]));
  return id;
}

describe('pond names in backups and zips', () => {
  it('a restore without a name asked for keeps the name the pond was created with, and after a rename the new one', async () => {
    const c = connect();
    const remote = uniq();
    await c.api.remoteAdd({ name: remote, bucketUrl: inject('s3Url'), prefix: 'name-backups', ...KEYS });

    const created = `Field station ${uniq()}`;
    const id = await pondWithData(c, created);
    await c.api.push(remote);
    await deleteLocal(c, id);
    expect(await c.api.restore(remote, id)).toMatchObject({ id, name: created });
    expect((await c.api.listPonds()).find((p) => p.id === id)?.name).toBe(created);

    // Renamed while open and writable: the rename is a commit of its own, pushed like any other.
    await c.api.openPond(id);
    const renamed = `Lake buoy ${uniq()}`;
    const before = (await c.api.info()).version;
    await c.api.renamePond(id, renamed);
    expect((await c.api.info())).toMatchObject({ name: renamed, version: before + 1 });
    expect((await c.api.push(remote)).sent.some((p) => p.startsWith('_delta_log/'))).toBe(true);
    await deleteLocal(c, id);
    expect(await c.api.restore(remote, id)).toMatchObject({ id, name: renamed });
    expect((await c.api.listPonds()).find((p) => p.id === id)?.name).toBe(renamed);
    expect((await c.api.openPond(id)).name).toBe(renamed);
    expect(new TextDecoder().decode(await c.api.readFile('/notes.txt'))).toBe(`notes of ${created}`);
    expect(await c.api.verify(remote)).toMatchObject({ ok: true });
    // A name asked for still wins.
    await deleteLocal(c, id);
    expect(await c.api.restore(remote, id, { name: 'asked for' })).toMatchObject({ name: 'asked for' });
    await c.api.remoteRemove(remote);
  });

  it('a zip import keeps the exported pond\'s name, also one given while the pond was read-only (time travel)', async () => {
    const c = connect();
    const name = `Zip pond ${uniq()}`;
    const id = await pondWithData(c, 'first name');
    await c.api.renamePond(id, name);
    const zip = await c.api.exportZip();
    await deleteLocal(c, id);
    expect(await c.api.importZip(zip.blob)).toMatchObject({ id, name });
    expect((await c.api.listPonds()).find((p) => p.id === id)?.name).toBe(name);

    // Open as of an old version (read-only): the rename stays on this device, and the zip's manifest carries it.
    await c.api.openPond(id, { asOf: 1 });
    const local = `Renamed read-only ${uniq()}`;
    await c.api.renamePond(id, local);
    expect((await c.api.info())).toMatchObject({ name: local, readOnly: true });
    const zip2 = await c.api.exportZip();
    await deleteLocal(c, id);
    expect(await c.api.importZip(zip2.blob)).toMatchObject({ id, name: local });
    expect((await c.api.listPonds()).find((p) => p.id === id)?.name).toBe(local);
  });
});
