// Loads parquet-wasm once, in the browser (wasm fetched from our own origin) or in node (read from disk).
import init, * as parquetWasm from 'parquet-wasm/esm';
import wasmUrl from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';

export type ParquetWasm = typeof parquetWasm;

let loading: Promise<ParquetWasm> | undefined;

/** The parquet-wasm module, initialised on first use. */
export function loadParquetWasm(): Promise<ParquetWasm> {
  loading ??= (async () => {
    const isNode = typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined' && typeof WorkerGlobalScope === 'undefined';
    if (isNode) {
      // In node (unit tests, tools) vite's ?url is a path below the project root; fetch() cannot read files.
      const fsName = 'node:fs/promises';
      const fs = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
      const bytes = await fs.readFile(`${process.cwd()}${wasmUrl.startsWith('/') ? '' : '/'}${wasmUrl.replace(/^\/@fs/, '').replace(process.cwd(), '')}`);
      parquetWasm.initSync({ module: bytes });
    } else {
      await init({ module_or_path: wasmUrl });
    }
    return parquetWasm;
  })();
  return loading;
}
