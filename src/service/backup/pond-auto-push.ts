// The auto-pushing remotes of the open pond: their settings (this device's, src/service/settings/auto-push-settings.ts),
// one AutoPushLoop each while this tab holds the pond's writer lock, and what the UI shows ("N commits not backed up",
// the last error and the next try, a CONFLICT that stopped it). Manual pushes come through here too, so they take the
// same push lock as the loops and what they bring to the backup counts as backed up.
import { isPondError } from '../../core/errors';
import type { AutoPushInfo, ProgressCallback, PushSummary } from '../../api/pond-api';
import { logVersionOf } from '../../remote/layout';
import type { AutoPushSetting, AutoPushSettings } from '../settings/auto-push-settings';
import { AutoPushLoop, browserOnline, withPushLock, type AutoPushTimings } from './auto-push';

/**
 * How often the pushing tab looks at navigator.onLine: a worker does not always hear the window's `online` event
 * (Chromium's offline mode changes onLine in workers without firing it there), and a push waiting for the network
 * should go when it is back, not at the end of a 5-minute backoff.
 */
const ONLINE_WATCH_MS = 1000;

export interface PondAutoPushDeps {
  pondId: string;
  settings: AutoPushSettings;
  /** The open pond's version now (it changes with every commit). */
  version: () => number;
  /** One push of the open pond to `remote` (RemoteOps.push). */
  push: (remote: string, signal: AbortSignal, onProgress: ProgressCallback) => Promise<PushSummary>;
  /** Told when what info() answers changed. */
  onChange: () => void;
  timings?: AutoPushTimings;
  online?: () => boolean;
}

/** The words a CONFLICT leaves in the status: what happened and what to do (the ways forward are not automatic). */
export function conflictStopMessage(remote: string): string {
  return `auto-push to ${remote} stopped: another device pushed a different history to this pond's backup there. Nothing was overwritten. `
    + `Bring the two together by hand (pull into a replica elsewhere, or push this pond under a new id), then turn it on again: remote auto-push ${remote} on`;
}

export class PondAutoPush {
  private readonly settings = new Map<string, AutoPushSetting>();
  private readonly loops = new Map<string, AutoPushLoop>();
  /** Remotes whose backup a push of this session has compared with the bucket's listing. */
  private readonly verified = new Set<string>();
  private active = false;
  private watch: ReturnType<typeof setInterval> | undefined;

  private constructor(private readonly deps: PondAutoPushDeps) {}

  static async load(deps: PondAutoPushDeps): Promise<PondAutoPush> {
    const p = new PondAutoPush(deps);
    await p.reload();
    return p;
  }

  /** Reads the settings again (a read-only tab, after the writing tab committed or pushed). */
  async reload(): Promise<void> {
    const saved = await this.deps.settings.get(this.deps.pondId);
    if (this.active) return; // the pushing tab's own copy is the newest
    this.settings.clear();
    for (const s of saved) this.settings.set(s.remote, s);
  }

  get remotes(): string[] {
    return [...this.settings.keys()].sort();
  }

  /** This tab holds the writer lock: each remote not stopped pushes now (what a reload left unpushed) and after commits. */
  start(): void {
    if (this.active) return;
    this.active = true;
    for (const s of this.settings.values()) this.startLoop(s.remote);
    const online = this.deps.online ?? browserOnline;
    let was = online();
    this.watch = setInterval(() => {
      const now = online();
      if (now && !was) this.retryNow();
      was = now;
    }, ONLINE_WATCH_MS);
  }

  async stop(): Promise<void> {
    this.active = false;
    clearInterval(this.watch);
    const loops = [...this.loops.values()];
    this.loops.clear();
    await Promise.all(loops.map((l) => l.stop()));
  }

  /** A commit in this tab: every loop schedules a push. */
  committed(): void {
    for (const l of this.loops.values()) l.schedule();
  }

  /** The browser is online again, or a remote got its secret: what waits goes now. */
  retryNow(remote?: string): void {
    for (const [name, l] of this.loops) if (remote === undefined || name === remote) l.onOnline();
  }

  async enable(remote: string): Promise<void> {
    const old = this.settings.get(remote);
    const s: AutoPushSetting = { remote, ...(old?.pushedVersion !== undefined ? { pushedVersion: old.pushedVersion } : {}), ...(old?.lastPushed ? { lastPushed: old.lastPushed } : {}) };
    this.settings.set(remote, s);
    await this.deps.settings.put(this.deps.pondId, s);
    await this.loops.get(remote)?.stop();
    this.loops.delete(remote);
    if (this.active) this.startLoop(remote);
    this.deps.onChange();
  }

  async disable(remote: string, opts: { persist?: boolean } = {}): Promise<void> {
    this.settings.delete(remote);
    if (opts.persist !== false) await this.deps.settings.delete(this.deps.pondId, remote);
    const l = this.loops.get(remote);
    this.loops.delete(remote);
    await l?.stop();
    this.deps.onChange();
  }

  /**
   * One push to `remote` holding its push lock (auto and manual alike, so never two at once); what it brought to the
   * backup is recorded when the remote auto-pushes.
   */
  push(remote: string, signal: AbortSignal, onProgress: ProgressCallback): Promise<PushSummary> {
    return withPushLock(this.deps.pondId, remote, async () => {
      const before = this.deps.version();
      const r = await this.deps.push(remote, signal, onProgress);
      await this.recordPushed(remote, before, r);
      return r;
    }, signal);
  }

  /** Every commit up to the version before the push is in the backup now, and every commit the push sent. */
  private async recordPushed(remote: string, before: number, r: PushSummary): Promise<void> {
    this.verified.add(remote);
    const s = this.settings.get(remote);
    if (!s) return;
    const sent = r.sent.map(logVersionOf).filter((v): v is number => v !== undefined);
    s.pushedVersion = Math.max(before, s.pushedVersion ?? -1, ...sent);
    s.lastPushed = Date.now();
    delete s.lastError;
    await this.deps.settings.put(this.deps.pondId, s);
    this.deps.onChange();
  }

  private startLoop(remote: string): void {
    const s = this.settings.get(remote);
    if (!s || s.stopped !== undefined) return;
    const loop = new AutoPushLoop((signal) => this.tick(remote, signal), {
      ...this.deps.timings,
      ...(this.deps.online ? { online: this.deps.online } : {}),
      stopsOn: (e) => (isPondError(e, 'CONFLICT') ? conflictStopMessage(remote) : undefined),
      onChange: () => this.deps.onChange(),
      onFailure: (message, stopped) => void this.recordFailure(remote, message, stopped),
    });
    this.loops.set(remote, loop);
    loop.schedule();
  }

  private async tick(remote: string, signal: AbortSignal): Promise<void> {
    const s = this.settings.get(remote);
    // Nothing new since a push of this session saw the backup whole: no listing needed.
    if (s && this.verified.has(remote) && s.pushedVersion !== undefined && s.pushedVersion >= this.deps.version()) return;
    await this.push(remote, signal, () => undefined);
  }

  private async recordFailure(remote: string, message: string, stopped: boolean): Promise<void> {
    const s = this.settings.get(remote);
    if (!s) return;
    s.lastError = message;
    if (stopped) {
      s.stopped = conflictStopMessage(remote);
      this.loops.delete(remote);
    }
    await this.deps.settings.put(this.deps.pondId, s);
    this.deps.onChange();
  }

  /** What the UI shows per auto-pushing remote. */
  info(): AutoPushInfo[] {
    const version = this.deps.version();
    return this.remotes.map((remote) => {
      const s = this.settings.get(remote)!;
      const st = this.loops.get(remote)?.state;
      const unpushed = s.pushedVersion === undefined ? version + 1 : Math.max(0, version - s.pushedVersion);
      return {
        remote, unpushed, pushing: st?.pushing ?? false, active: st !== undefined,
        ...(s.pushedVersion !== undefined ? { pushedVersion: s.pushedVersion } : {}),
        ...(s.lastPushed !== undefined ? { lastPushed: s.lastPushed } : {}),
        ...((st?.lastError ?? s.lastError) ? { lastError: st?.lastError ?? s.lastError } : {}),
        ...(st?.nextTry !== undefined && st.failures > 0 ? { nextTry: st.nextTry } : {}),
        ...(st?.waitingOnline ? { waitingOnline: true } : {}),
        ...(s.stopped ? { stopped: s.stopped } : {}),
      };
    });
  }
}
