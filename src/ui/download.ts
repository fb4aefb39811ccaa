// Offers content to the user as a file download through an object URL (no server round trip: works offline).

/** Offers a Blob (e.g. one assembled from chunks) as a download without copying it into one array first. */
export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // The click starts the download synchronously in Chromium, but Safari reads the URL later: revoke lazily.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function downloadBytes(name: string, data: Uint8Array, type = 'application/octet-stream'): void {
  downloadBlob(name, new Blob([data as Uint8Array<ArrayBuffer>], { type }));
}
