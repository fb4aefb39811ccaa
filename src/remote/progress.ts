// Progress reports shared by push, restore, verify and zip: counts of files and bytes, so the UI can draw one bar.

export interface TransferProgress {
  phase: 'listing' | 'sending' | 'receiving' | 'checking' | 'committing' | 'done';
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  /** The file being worked on, when there is one. */
  path?: string;
}

export type ProgressCallback = (p: TransferProgress) => void;

/** Keeps running totals and forwards them; callbacks that throw are ignored so a UI bug cannot break a backup. */
export class ProgressTracker {
  private p: TransferProgress;
  constructor(private readonly cb: ProgressCallback | undefined, filesTotal = 0, bytesTotal = 0) {
    this.p = { phase: 'listing', filesDone: 0, filesTotal, bytesDone: 0, bytesTotal };
  }
  set(update: Partial<TransferProgress>): void {
    this.p = { ...this.p, ...update };
    this.emit();
  }
  bytes(n: number, path?: string): void {
    this.p = { ...this.p, bytesDone: this.p.bytesDone + n, ...(path ? { path } : {}) };
    this.emit();
  }
  file(path: string): void {
    this.p = { ...this.p, filesDone: this.p.filesDone + 1, path };
    this.emit();
  }
  private emit(): void {
    try {
      this.cb?.({ ...this.p });
    } catch {
      /* a progress display must not fail the transfer */
    }
  }
}
