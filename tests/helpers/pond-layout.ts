// A pond made in the built app, written out in backup layout for link tests: its zip snapshot (the project's own
// export), unpacked into the files a push sends (the zip's manifest left out, as a backup has none).
import type { Page } from '@playwright/test';
import { unzipSync } from 'fflate';

export interface PondLayout { id: string; files: Map<string, Uint8Array>; zip: Uint8Array }

/** Creates pond `name` in the page's app with one series version per CSV text, and returns its id and layout files. */
export async function pondLayout(page: Page, name: string, series: { path: string; csv: string }[]): Promise<PondLayout> {
  await page.evaluate(async ([pondName, parts]) => {
    await window.pond.api.createPond(pondName);
    for (const [i, p] of parts.entries()) await window.pond.api.copyIn([{ name: `${i}.csv`, data: new Blob([p.csv]) }], p.path, { format: 'series' });
  }, [name, series] as const);
  return exportLayout(page);
}

/** The pond open in the page's app, as its zip snapshot and its layout files. */
export async function exportLayout(page: Page): Promise<PondLayout> {
  const made = await page.evaluate(async () => {
    const { id } = await window.pond.api.info();
    const zip = await window.pond.api.exportZip();
    const bytes = new Uint8Array(await zip.blob.arrayBuffer());
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { id, zip: btoa(bin) };
  });
  const zip = new Uint8Array(Buffer.from(made.zip, 'base64'));
  const files = unzipSync(zip);
  return { id: made.id, zip, files: new Map(Object.entries(files).filter(([p]) => /^(_delta_log|oplog|blobs)\//.test(p))) };
}
