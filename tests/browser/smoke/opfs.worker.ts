self.onmessage = async () => {
  const root = await navigator.storage.getDirectory();
  const fh = await root.getFileHandle('smoke.bin', { create: true });
  const h = await fh.createSyncAccessHandle();
  h.write(new Uint8Array([1, 2, 3]), { at: 0 });
  h.flush();
  const size = h.getSize();
  h.close();
  self.postMessage(size);
};
