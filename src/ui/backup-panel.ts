// <backup-panel .client .info>: S3 remotes (list, add, remove), push / verify / restore with a progress bar and
// Cancel, zip snapshots (download, optionally as of the viewed version; import from a file picker), and "Check this
// pond" (fsck: the rules import and restore apply, with the content root and the list of problems).
// Self-contained: it calls the worker itself and tells the app only `pond-opened` (PondInfo) when the user opens
// a pond it restored or imported, the same event <pond-switcher> sends.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { Task, TaskStatus } from '@lit/task';
import type { AutoPushInfo, FsckProblem, LongOp, PondInfo, ProgressCallback, RestoreSummary, ShareLink } from '../api/pond-api';
import type { PondClient } from './pond-client';
import { errorText, fmtBytes, fmtTime, isAbort } from './format';
import { isPondError } from '../core/errors';
import { base } from './styles';
import { PONDS_CHANGED } from './pond-switcher';

/** How long a signed link works: S3's limit for presigned URLs, 7 days. */
const SIGNED_LINK_SECONDS = 7 * 24 * 3600;

interface Job {
  label: string;
  work: (signal: AbortSignal, onProgress: ProgressCallback) => Promise<string>;
  /** A push: a CONFLICT then offers the two ways forward for this remote. */
  pushTo?: string;
}

@customElement('backup-panel')
export class BackupPanel extends LitElement {
  static override styles = [base, css`
    :host { display: flex; flex-direction: column; gap: 16px; }
    :host([hidden]) { display: none; }
    section { border: 1px solid var(--line); border-radius: 10px; padding: 10px 12px; display: flex; flex-direction: column; gap: 8px; }
    form { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 8px; align-items: end; }
    label { display: flex; flex-direction: column; gap: 4px; font-size: 0.9rem; }
    label.check { flex-direction: row; align-items: center; }
    progress { width: 100%; height: 18px; }
    .ok { color: var(--ok-fg); background: var(--ok-bg); padding: 6px 8px; border-radius: 6px; white-space: pre-wrap; }
  `];

  /** The client, not its `api`: a comlink proxy answers every property read, so Lit would take it for a directive. */
  @property({ attribute: false }) client?: PondClient;
  @property({ attribute: false }) info?: PondInfo;
  /** Whether the Backup tab is showing: remotes added or removed elsewhere (the shell) are listed again when it is. */
  @property({ type: Boolean }) shown = false;
  @state() private revision = 0;
  @state() private signing: 'keys' | 'presign' = 'keys';
  @state() private progress: { done: number; total?: number; what: string } | undefined;
  @state() private result = '';
  @state() private created: RestoreSummary | undefined;
  @state() private backups: string[] = [];
  /** What the last check of the pond found (listed under its result line). */
  @state() private problems: { list: FsckProblem[]; more: number } | undefined;
  /**
   * A push, verify or restore that stopped because the remote's secret is not known to this tab (not remembered,
   * and the browser restarted): the panel asks for it, then runs the same job again.
   */
  @state() private secretPrompt: { remote: string; job: Job } | undefined;
  /** The remote a push was refused by because another device pushed under this pond id: rebase or push as a new pond. */
  @state() private conflict: string | undefined;
  /** Failures of the quick calls (add, remove, list backups); the long ones show the job's error. */
  @state() private error = '';
  /** The last "Share link" made: the URL to copy, and what the bucket needs for it to work. */
  @state() private shared: ShareLink | undefined;

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('shown') && this.shown && changed.get('shown') === false) this.revision++;
  }

  private readonly remotes = new Task(this, {
    args: () => [this.client, this.revision] as const,
    task: async ([client]) => (client ? client.api.remoteList() : []),
  });

  /** The one long operation at a time; Task gives it an AbortSignal, and Cancel aborts it. */
  private readonly job = new Task(this, {
    autoRun: false,
    args: () => [undefined] as [Job | undefined],
    task: async ([job], { signal }) => {
      if (!job || !this.client) return '';
      this.progress = { done: 0, what: job.label };
      this.result = '';
      try {
        return await job.work(signal, (done, total, what) => { this.progress = { done, total, what }; });
      } finally {
        this.progress = undefined;
      }
    },
  });

  private start(label: string, work: Job['work'], pushTo?: string): void {
    this.created = undefined;
    this.conflict = undefined;
    this.problems = undefined;
    this.error = '';
    this.secretPrompt = undefined;
    const job: Job = { label, work, ...(pushTo ? { pushTo } : {}) };
    void this.job.run([job]).then(() => {
      if (this.job.status === TaskStatus.COMPLETE) this.result = this.job.value ?? '';
      if (this.job.status === TaskStatus.ERROR && job.pushTo && isPondError(this.job.error, 'CONFLICT')) this.conflict = job.pushTo;
      const missing = this.missingSecret(this.job.error);
      if (this.job.status === TaskStatus.ERROR && missing) this.secretPrompt = { remote: missing, job };
    });
  }

  /** The remote whose secret the worker lacks, when that is why `e` happened (RemoteOps.client's detail). */
  private missingSecret(e: unknown): string | undefined {
    if (!isPondError(e, 'INVALID_INPUT')) return undefined;
    const d = e.detail;
    return d?.missing === 'secret' && typeof d.name === 'string' ? d.name : undefined;
  }

  /** Gives the remote its secret (for this session, or remembered) and runs the job that lacked it again. */
  private async giveSecret(e: Event): Promise<void> {
    e.preventDefault();
    const prompt = this.secretPrompt;
    if (!prompt) return;
    const form = e.target as HTMLFormElement;
    const secret = (form.elements.namedItem('secret') as HTMLInputElement).value;
    const remember = (form.elements.namedItem('remember') as HTMLInputElement).checked;
    try {
      await this.client!.api.remoteSecret(prompt.remote, secret, { remember });
    } catch (err) {
      this.error = errorText(err);
      return;
    }
    this.revision++;
    this.start(prompt.job.label, prompt.job.work, prompt.job.pushTo);
  }

  /** Runs a worker call as a long operation: progress through the client's proxied callback, cancel by signal. */
  private long<T>(call: (op: LongOp) => Promise<T>, signal: AbortSignal, onProgress: ProgressCallback): Promise<T> {
    return this.client!.longOp(call, { signal, onProgress });
  }

  private field(form: HTMLFormElement, name: string): string {
    return (form.elements.namedItem(name) as HTMLInputElement | null)?.value.trim() ?? '';
  }

  private async add(e: Event): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const f = (n: string) => this.field(form, n);
    const keys = this.signing === 'keys';
    try {
      await this.client!.api.remoteAdd({
        name: f('name'), bucketUrl: f('bucketUrl'), prefix: f('prefix'),
        ...(keys ? { accessKeyId: f('accessKeyId'), secretAccessKey: f('secretAccessKey'), region: f('region') || undefined, rememberSecret: (form.elements.namedItem('remember') as HTMLInputElement).checked } : { presignUrl: f('presignUrl') }),
      });
      form.reset();
      this.error = '';
      this.result = 'Remote added.';
      this.revision++;
    } catch (err) {
      this.result = '';
      this.error = errorText(err);
    }
  }

  private async removeRemote(name: string): Promise<void> {
    if (!confirm(`Remove remote “${name}” from this device? The backups in the bucket are not touched.`)) return;
    try {
      await this.client!.api.remoteRemove(name);
      this.error = '';
    } catch (err) {
      this.error = errorText(err);
    }
    this.revision++;
  }

  private push(name: string): void {
    this.start(`Pushing to ${name}…`, async (signal, onProgress) => {
      const r = await this.long((op) => this.client!.api.push(name, op), signal, onProgress);
      return `Pushed ${r.sent.length} objects (${fmtBytes(r.bytesSent)}) to ${name}; ${r.alreadyThere} were already there.${r.remoteAhead ? '\nThe backup has newer commits than this pond.' : ''}`;
    }, name);
  }

  /** Way forward 1: replay this pond's transactions after the remote's, then push. */
  private rebaseAndPush(name: string): void {
    this.start(`Rebasing onto ${name}…`, async (signal, onProgress) => {
      const r = await this.long((op) => this.client!.api.rebase(name, op), signal, onProgress);
      const p = await this.long((op) => this.client!.api.push(name, op), signal, onProgress);
      return `Rebased onto ${name}: took its ${r.theirs} new commits and replayed this pond's ${r.replayed.length} transactions after them (now version ${r.after}); pushed ${p.sent.length} objects.`;
    }, name);
  }

  /** Way forward 2: a copy of this pond under a new pond id, pushed; this pond stays as it is. */
  private pushAsNewPond(name: string): void {
    this.start(`Pushing a copy to ${name} as a new pond…`, async (signal, onProgress) => {
      const f = await this.long((op) => this.client!.api.pushAsNewPond(name, op), signal, onProgress);
      this.created = { id: f.id, name: f.name, version: f.version, files: f.sent };
      return `Made pond ${f.name} (${f.id}) and pushed it to ${name}: ${f.sent} objects. This pond is unchanged.`;
    });
  }

  private pull(name: string): void {
    this.start(`Pulling from ${name}…`, async (signal, onProgress) => {
      const r = await this.long((op) => this.client!.api.pull(name, op), signal, onProgress);
      return r.after === r.before
        ? `Up to date with ${name} (version ${r.after}).`
        : `Pulled versions ${r.before + 1} to ${r.after} from ${name}: ${r.fetched.length} objects (${fmtBytes(r.bytesFetched)}).`;
    }, name); // a pull refused as diverged has the same two ways forward
  }

  /** Starts or stops following (a quick call: the pulls it makes run in the worker and show in the status line). */
  private async follow(e: Event | null, stop = false): Promise<void> {
    e?.preventDefault();
    const form = e?.target as HTMLFormElement | undefined;
    try {
      if (stop) await this.client!.api.follow(null);
      else {
        const seconds = Number(this.field(form!, 'everySeconds') || '60');
        await this.client!.api.follow(this.field(form!, 'remote'), { everySeconds: seconds });
      }
      this.error = '';
      this.result = stop ? 'Stopped following: this pond is writable again on this device.' : '';
    } catch (err) {
      this.error = errorText(err);
    }
  }

  /** Turns a remote's auto-push on or off (a quick call: the pushes run in the worker and show in the status lines). */
  private async setAutoPush(name: string, on: boolean): Promise<void> {
    try {
      this.info = await this.client!.api.autoPush(name, on);
      this.error = '';
    } catch (err) {
      this.error = errorText(err);
    }
  }

  /** One remote's auto-push: how far the backup is behind, and a failure with its next try, or why it stopped. */
  private renderAutoPush(a: AutoPushInfo) {
    const count = a.unpushed === 0
      ? `backed up · version ${a.pushedVersion}`
      : `${a.unpushed} commit${a.unpushed === 1 ? '' : 's'} not backed up${a.pushing ? ' · pushing…' : ''}`;
    return html`<div data-testid="auto-push" data-remote=${a.remote}>
      <p role="status" data-testid="auto-push-status">Auto-push to ${a.remote}: ${count}${a.lastPushed && a.unpushed === 0 ? html` <span class="muted">(checked ${fmtTime(a.lastPushed * 1000, true)})</span>` : nothing}</p>
      ${a.stopped ? html`<p class="error" role="alert" data-testid="auto-push-stopped">${a.stopped}</p>`
        : a.lastError ? html`<p class="error" data-testid="auto-push-error">The last push failed: ${a.lastError}${a.nextTry ? ` · next try ${fmtTime(a.nextTry * 1000, true)}` : ''}</p>` : nothing}
      ${a.waitingOnline ? html`<p class="muted">Offline: the commits go when this device is online again.</p>` : nothing}
      ${!a.active && !a.stopped ? html`<p class="muted">Pushed by the tab that is writing this pond.</p>` : nothing}
    </div>`;
  }

  private renderFollow(remotes: readonly { name: string }[], busy: boolean) {
    const f = this.info?.follow;
    if (f) {
      return html`<p role="status" data-testid="follow-status">following ${f.remote} · last pulled ${f.lastPulled ? fmtTime(f.lastPulled * 1000, true) : 'not yet'} · version ${this.info!.version}</p>
        ${f.lastError ? html`<p class="error" data-testid="follow-error">The last pull failed: ${f.lastError}</p>` : nothing}
        <p class="muted">Read-only: it pulls every ${f.everySeconds} s while online, and when it is opened.</p>
        <button @click=${() => void this.follow(null, true)}>Stop following</button>`;
    }
    return html`<p class="muted">A replica that follows its remote is read-only here and pulls the backup's new commits by itself.</p>
      <form aria-label="Follow a remote" @submit=${(e: Event) => void this.follow(e)}>
        <label>Remote <select name="remote" required>${remotes.map((r) => html`<option value=${r.name}>${r.name}</option>`)}</select></label>
        <label>Every (seconds) <input name="everySeconds" type="number" min="1" max="86400" step="1" placeholder="60" /></label>
        <button type="submit" ?disabled=${busy || remotes.length === 0 || !this.info || this.info.asOf !== undefined}>Follow</button>
      </form>`;
  }

  private verify(name: string): void {
    this.start(`Verifying the backup on ${name}…`, async (signal, onProgress) => {
      const r = await this.long((op) => this.client!.api.verify(name, op), signal, onProgress);
      if (r.ok) return `The backup on ${name} is complete: ${r.checked} objects match.`;
      const lines = [...r.missing.map((p) => `missing: ${p}`), ...r.extra.map((p) => `only in the backup: ${p}`), ...r.corrupt.map((c) => `damaged: ${c.key}: ${c.problem}`)];
      throw new Error(`The backup on ${name} differs (push again to repair):\n${lines.join('\n')}`);
    });
  }

  private restore(e: Event): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const remote = this.field(form, 'remote'), pondId = this.field(form, 'pondId');
    this.start(`Restoring ${pondId} from ${remote}…`, async (signal, onProgress) => {
      this.created = await this.long((op) => this.client!.api.restore(remote, pondId, op), signal, onProgress);
      window.dispatchEvent(new Event(PONDS_CHANGED));
      return `Restored “${this.created.name}” (version ${this.created.version}, ${this.created.files} files).`;
    });
  }

  /** "Import a pond…": another pond's backup mounted read-only at /imports/NAME (issue 13), in one commit here. */
  private importPond(e: Event): void {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const remote = this.field(form, 'remote'), pondId = this.field(form, 'pondId'), name = this.field(form, 'mount');
    this.start(`Importing ${pondId} from ${remote}…`, async (signal, onProgress) => {
      const r = await this.long((op) => this.client!.api.importPond(remote, pondId, `/imports/${name}`, op), signal, onProgress);
      window.dispatchEvent(new Event(PONDS_CHANGED)); // the imported pond's replica is in the pond list now
      this.revision++;
      return `Imported pond ${r.pondId} at ${r.path} (version ${r.version}, ${r.fetched} files fetched to this device).`;
    });
  }

  private pullImports(): void {
    this.start('Pulling imports…', async (signal, onProgress) => {
      const all = await this.long((op) => this.client!.api.refreshImports(op), signal, onProgress);
      this.revision++;
      return all.length === 0 ? 'This pond has no imports.'
        : all.map((r) => `${r.path}: version ${r.version}${r.committed ? ` (was ${r.before})` : ' (up to date)'}`).join('\n');
    });
  }

  private readonly imports = new Task(this, {
    args: () => [this.client, this.revision, this.info?.id, this.info?.version] as const,
    task: async ([client, , id]) => (client && id ? client.api.listImports() : []),
  });

  /** "Share link": the app's address with `#open=` the pond's folder in the bucket (a public-read prefix). */
  private async share(remote: string): Promise<void> {
    try {
      this.shared = await this.client!.api.shareLink(remote, `${location.origin}${location.pathname}`);
      this.error = '';
    } catch (err) {
      this.shared = undefined;
      this.error = errorText(err);
    }
  }

  /** "Signed link": for a private bucket, a bundle of presigned GETs valid 7 days (S3's limit), signed with the keys here. */
  private signedShare(remote: string): void {
    this.shared = undefined;
    this.start(`Signing a link to this pond on ${remote}…`, async (signal, onProgress) => {
      this.shared = await this.long((op) => this.client!.api.shareLink(remote, `${location.origin}${location.pathname}`, { ...op, signedForSeconds: SIGNED_LINK_SECONDS }), signal, onProgress);
      return `Signed link made: valid until ${this.shared.expires}.`;
    });
  }

  private async listBackups(remote: string): Promise<void> {
    try {
      this.backups = await this.client!.api.remotePonds(remote);
      this.error = '';
      this.result = this.backups.length ? `${this.backups.length} pond backups on ${remote} (pick one in Restore).` : `No pond backups on ${remote}.`;
    } catch (err) {
      this.error = errorText(err);
    }
  }

  private exportZip(e: Event): void {
    e.preventDefault();
    const raw = this.field(e.target as HTMLFormElement, 'asOf');
    const asOf = raw === '' ? undefined : Number(raw);
    this.start('Writing the zip…', async (signal, onProgress) => {
      const z = await this.long((op) => this.client!.api.exportZip({ ...op, ...(asOf === undefined ? {} : { asOf }) }), signal, onProgress);
      const url = URL.createObjectURL(z.blob);
      const a = Object.assign(document.createElement('a'), { href: url, download: z.name, rel: 'noopener' });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000); // Safari reads the URL after the click returns
      return `Downloaded ${z.name}: version ${z.version}, ${z.files} files, ${fmtBytes(z.blob.size)}.`;
    });
  }

  private importZip(e: Event): void {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    this.start(`Importing ${file.name}…`, async (signal, onProgress) => {
      // No name passed: the pond keeps the one its zip carries (not the file name, which is a slug of it).
      this.created = await this.long((op) => this.client!.api.importZip(file, op), signal, onProgress);
      window.dispatchEvent(new Event(PONDS_CHANGED));
      return `Imported “${this.created.name}” (version ${this.created.version}, ${this.created.files} files).`;
    });
  }

  private check(quick: boolean): void {
    this.start(quick ? 'Checking this pond (blobs not re-hashed)…' : 'Checking this pond…', async (signal, onProgress) => {
      const r = await this.long((op) => this.client!.api.fsck({ ...op, quick }), signal, onProgress);
      const c = r.checked;
      const what = `version ${r.version}: ${c.commits} commits, ${c.nodes} entries, ${c.blobs} blobs${quick ? ' (not re-hashed)' : ` (${fmtBytes(c.blobBytesHashed)} hashed)`}`;
      if (!r.ok) this.problems = { list: r.problems, more: r.moreProblems };
      const root = `Content root ${r.root ?? '(none: the tree cannot be read)'}`;
      const n = r.problems.length + r.moreProblems;
      return r.ok ? `No problems in ${what}.\n${root}` : `${n} problem${n === 1 ? '' : 's'} in ${what}.\n${root}`;
    });
  }

  private async openCreated(): Promise<void> {
    const id = this.created?.id;
    if (!id) return;
    try {
      const info = await this.client!.api.openPond(id);
      this.dispatchEvent(new CustomEvent('pond-opened', { detail: info, bubbles: true, composed: true }));
      this.created = undefined;
    } catch (err) {
      this.error = errorText(err);
    }
  }

  private renderConflict(name: string) {
    return html`<section aria-label="Ways forward" data-testid="push-conflict">
      <p>Another device pushed a different history of this pond to ${name}. Two ways forward:</p>
      <div class="row"><button class="primary" @click=${() => this.rebaseAndPush(name)}>Rebase and push</button>
        <span class="muted">Puts this pond's own changes after the remote's and pushes; refused, naming the files, when both changed the same file (appends to one series are fine).</span></div>
      <div class="row"><button @click=${() => this.pushAsNewPond(name)}>Push as a new pond</button>
        <span class="muted">Copies this pond under a new pond id, named "… (fork)", and pushes the copy; this pond and the remote's stay as they are.</span></div>
    </section>`;
  }

  protected override render() {
    const busy = this.job.status === TaskStatus.PENDING;
    const remotes = this.remotes.value ?? [];
    const autoPush = this.info?.autoPush ?? [];
    const p = this.progress;
    return html`
      ${busy && p ? html`<div role="status" data-testid="backup-progress">
          <div class="row"><span>${p.what}</span><span class="spacer"></span><button @click=${() => this.job.abort()}>Cancel</button></div>
          <progress max=${p.total ?? 1} .value=${p.total ? p.done : 0} aria-label="Progress"></progress>
          ${p.total ? html`<span class="muted">${fmtBytes(p.done)} of ${fmtBytes(p.total)}</span>` : nothing}</div>` : nothing}
      ${this.job.status === TaskStatus.ERROR && !isAbort(this.job.error) ? html`<p class="error" role="alert">${errorText(this.job.error)}</p>` : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.conflict && !busy ? this.renderConflict(this.conflict) : nothing}
      ${this.secretPrompt ? html`<form aria-label=${`Secret for remote ${this.secretPrompt.remote}`} @submit=${(e: Event) => void this.giveSecret(e)}>
          <label>Secret key of ${this.secretPrompt.remote} <input name="secret" type="password" required autocomplete="off" /></label>
          <label class="check"><input type="checkbox" name="remember" /> Remember the secret on this device</label>
          <div class="row"><button type="submit" class="primary">Retry with this secret</button>
            <button type="button" @click=${() => { this.secretPrompt = undefined; }}>Not now</button></div></form>` : nothing}
      ${this.job.status === TaskStatus.ERROR && isAbort(this.job.error) ? html`<p class="muted" role="status">Cancelled.</p>` : nothing}
      ${this.result ? html`<p class=${this.problems ? 'error' : 'ok'} role="status" data-testid="backup-result">${this.result}
          ${this.created ? html`<button @click=${() => void this.openCreated()}>Open it</button>` : nothing}</p>` : nothing}
      ${this.problems ? html`<ul class="error" data-testid="check-problems">${this.problems.list.map((p) => html`<li>
          <strong>${p.rule}</strong> ${p.file}${p.where ? ` ${p.where}` : ''}: ${p.message}</li>`)}
          ${this.problems.more ? html`<li>… and ${this.problems.more} more</li>` : nothing}</ul>` : nothing}
      <section aria-label="Remotes">
        <h2>S3 remotes</h2>
        ${remotes.length === 0 ? html`<p class="muted">No remotes yet. Add a bucket below to back up this pond.</p>` : html`<table>
          <thead><tr><th>Name</th><th>Bucket</th><th>Signing</th><th></th></tr></thead>
          <tbody>${remotes.map((r) => html`<tr>
            <td>${r.name}</td><td>${r.bucketUrl}${r.prefix ? `/${r.prefix}` : ''}</td>
            <td>${r.signing === 'keys' ? `keys ${r.accessKeyId}, secret ${r.secret}` : 'presign endpoint'}</td>
            <td class="row">
              <button class="primary" ?disabled=${busy || !this.info} @click=${() => this.push(r.name)}>Push</button>
              <button ?disabled=${busy || !this.info} @click=${() => this.verify(r.name)}>Verify</button>
              <button ?disabled=${busy || !this.info} @click=${() => this.pull(r.name)} aria-label=${`Pull from ${r.name}`}>Pull</button>
              <button ?disabled=${busy} @click=${() => void this.listBackups(r.name)}>Backups</button>
              <button ?disabled=${busy || !this.info} @click=${() => void this.share(r.name)}>Share link</button>
              ${r.signing === 'keys' ? html`<button ?disabled=${busy || !this.info} @click=${() => this.signedShare(r.name)}
                  title="For a private bucket: presigned for 7 days">Signed link</button>` : nothing}
              <button class="danger" ?disabled=${busy} @click=${() => void this.removeRemote(r.name)} aria-label=${`Remove remote ${r.name}`}>Remove</button>
              <label class="check"><input type="checkbox" aria-label=${`Auto-push to ${r.name}`} ?disabled=${!this.info || this.info.asOf !== undefined}
                .checked=${autoPush.some((a) => a.remote === r.name)} @change=${(e: Event) => void this.setAutoPush(r.name, (e.target as HTMLInputElement).checked)} /> Auto-push</label></td>
          </tr>`)}</tbody></table>`}
        ${autoPush.map((a) => this.renderAutoPush(a))}
        ${this.shared ? html`<div class="ok" data-testid="share-link">
            <label>Link to this pond’s backup (push first; it opens read-only in any browser)
              <input readonly .value=${this.shared.appUrl} @focus=${(e: Event) => (e.target as HTMLInputElement).select()} /></label>
            <div class="row"><button @click=${() => void navigator.clipboard?.writeText(this.shared!.appUrl)}>Copy</button>
              <span>${this.shared.kind === 'signed'
                ? `Signed link: it works until ${this.shared.expires} (7 days, S3's limit) and shows the pond as it is now; share again after later pushes.`
                : 'Public link: it works while the prefix is public-read and does not expire.'}</span></div>
            <span class="muted">${this.shared.needs}</span></div>` : nothing}
        <form @submit=${(e: Event) => void this.add(e)} aria-label="Add a remote">
          <label>Name <input name="name" required placeholder="lab-bucket" /></label>
          <label>Bucket URL <input name="bucketUrl" type="url" required placeholder="https://bucket.s3.eu-west-1.amazonaws.com" /></label>
          <label>Prefix <input name="prefix" placeholder="backups" /></label>
          <label>Signing <select @change=${(e: Event) => { this.signing = (e.target as HTMLSelectElement).value as 'keys' | 'presign'; }}>
            <option value="keys" ?selected=${this.signing === 'keys'}>Access keys</option>
            <option value="presign" ?selected=${this.signing === 'presign'}>Presign endpoint</option></select></label>
          ${this.signing === 'keys' ? html`
            <label>Access key id <input name="accessKeyId" required autocomplete="off" /></label>
            <label>Secret key <input name="secretAccessKey" type="password" required autocomplete="off" /></label>
            <label>Region <input name="region" placeholder="us-east-1" /></label>
            <label class="check"><input type="checkbox" name="remember" /> Remember the secret on this device</label>`
          : html`<label>Presign endpoint URL <input name="presignUrl" type="url" required /></label>`}
          <button type="submit" ?disabled=${busy}>Add remote</button>
        </form>
      </section>
      <section aria-label="Follow">
        <h2>Follow a remote</h2>
        ${this.renderFollow(remotes, busy)}
      </section>
      <section aria-label="Restore">
        <h2>Restore a backup as a new pond</h2>
        <form @submit=${(e: Event) => this.restore(e)}>
          <label>Remote <select name="remote" required>${remotes.map((r) => html`<option value=${r.name}>${r.name}</option>`)}</select></label>
          <label>Pond id <input name="pondId" required list="backup-ids" autocomplete="off" /></label>
          <datalist id="backup-ids">${this.backups.map((id) => html`<option value=${id}></option>`)}</datalist>
          <button type="submit" class="primary" ?disabled=${busy || remotes.length === 0}>Restore</button>
        </form>
      </section>
      <section aria-label="Imports">
        <h2>Import a pond (read it in place)</h2>
        <p class="muted">Another pond's backup, shown read-only at /imports/NAME and kept up to date by “Pull imports”; this pond records only which pond and version it shows.</p>
        <form @submit=${(e: Event) => this.importPond(e)}>
          <label>Remote <select name="remote" required>${remotes.map((r) => html`<option value=${r.name}>${r.name}</option>`)}</select></label>
          <label>Pond id <input name="pondId" required list="backup-ids" autocomplete="off" /></label>
          <label>Name (under /imports/) <input name="mount" required pattern="[A-Za-z0-9._-]+" placeholder="site-c" /></label>
          <button type="submit" class="primary" ?disabled=${busy || remotes.length === 0 || !this.info || this.info.readOnly}>Import a pond…</button>
        </form>
        ${(this.imports.value ?? []).length ? html`<ul>${this.imports.value!.map((i) => html`<li>${i.path}: ${i.problem ?? html`imported from ${i.remote} · v${i.version}`}</li>`)}</ul>
          <div class="row"><button ?disabled=${busy} @click=${() => this.pullImports()}>Pull imports</button></div>` : nothing}
      </section>
      <section aria-label="Zip snapshots">
        <h2>Zip snapshots</h2>
        <form @submit=${(e: Event) => this.exportZip(e)}>
          <label>Version <input name="asOf" type="number" min="0" step="1" .value=${this.info?.asOf !== undefined ? String(this.info.asOf) : ''}
              placeholder=${this.info ? `latest (${this.info.version})` : ''} /></label>
          <button type="submit" class="primary" ?disabled=${busy || !this.info}>Download zip</button>
        </form>
        <label>Import a zip as a new pond <input type="file" accept=".zip,application/zip" ?disabled=${busy} data-testid="zip-picker" @change=${(e: Event) => this.importZip(e)} /></label>
      </section>
      <section aria-label="Check">
        <h2>Check this pond</h2>
        <p class="muted">The rules a zip import or restore applies, over the pond on this device; the content root is the same for every copy of this pond.</p>
        <div class="row">
          <button class="primary" ?disabled=${busy || !this.info} @click=${() => this.check(false)}>Check this pond</button>
          <button ?disabled=${busy || !this.info} @click=${() => this.check(true)}>Quick check</button>
        </div>
      </section>`;
  }
}

declare global { interface HTMLElementTagNameMap { 'backup-panel': BackupPanel } }
