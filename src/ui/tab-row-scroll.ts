// A Lit controller for a tab row that can be wider than the screen (six tabs on a phone): it shows a fade with a
// chevron on each edge that has tabs past it, so a cut-off row reads as "scroll", and scrolls the row (never the page)
// to keep the selected tab whole and clear of the fades. The host renders the row inside `.tabs` and calls `cues()`.
import { css, html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';

/** Width of a fade; the selected tab is kept this far from the row's edges. */
const CUE = 36;

export const tabRowStyles = css`
  .tabs { position: relative; }
  .tabs [role='tablist'] { display: flex; overflow-x: auto; scrollbar-width: none; }
  .tabs [role='tab'] { flex: none; }
  .cue { position: absolute; top: 0; bottom: 1px; width: ${CUE}px; display: grid; place-items: center; pointer-events: none;
    color: var(--muted); font-weight: 700; }
  .cue.left { left: 0; background: linear-gradient(to left, transparent, var(--bg) 60%); }
  .cue.right { right: 0; background: linear-gradient(to right, transparent, var(--bg) 60%); }
`;

export class TabRowScroll implements ReactiveController {
  private left = false;
  private right = false;
  private readonly onResize = () => this.update();

  constructor(private readonly host: ReactiveControllerHost & { renderRoot: ParentNode }) {
    host.addController(this);
  }

  hostConnected(): void { addEventListener('resize', this.onResize); }
  hostDisconnected(): void { removeEventListener('resize', this.onResize); }

  private get list(): HTMLElement | null {
    return this.host.renderRoot.querySelector<HTMLElement>(".tabs [role='tablist']");
  }

  /** Re-reads which edges have tabs past them (after a scroll, a resize or a render). */
  update(): void {
    const list = this.list;
    if (!list) return;
    const left = list.scrollLeft > 1;
    const right = list.scrollLeft + list.clientWidth < list.scrollWidth - 1;
    if (left === this.left && right === this.right) return;
    [this.left, this.right] = [left, right];
    this.host.requestUpdate();
  }

  /** Scrolls the row so the selected tab is fully visible, clear of the fades. */
  revealSelected(): void {
    const list = this.list;
    const tab = list?.querySelector<HTMLElement>("[aria-selected='true']");
    if (!list || !tab) return;
    const start = tab.offsetLeft - list.offsetLeft; // both measured from `.tabs`, the positioned wrapper
    const end = start + tab.offsetWidth;
    if (start - CUE < list.scrollLeft) list.scrollLeft = Math.max(0, start - CUE);
    else if (end + CUE > list.scrollLeft + list.clientWidth) list.scrollLeft = end + CUE - list.clientWidth;
    this.update();
  }

  /** The fades, for the host to render after its tab row inside `.tabs`. */
  cues() {
    return html`
      ${this.left ? html`<span class="cue left" aria-hidden="true" data-testid="tabs-cue-left">‹</span>` : nothing}
      ${this.right ? html`<span class="cue right" aria-hidden="true" data-testid="tabs-cue-right">›</span>` : nothing}`;
  }
}
