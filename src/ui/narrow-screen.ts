// A Lit controller that tells a component whether the screen is phone-narrow, and re-renders it when that changes
// (a phone turned sideways, a window resized). The header and the tree switch to their compact forms at one width,
// the same one the app's CSS uses, so there is a single breakpoint to reason about.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Phone width: below this the header folds its pond actions into "⋯" and the tree collapses behind "Files". */
export const NARROW_QUERY = '(max-width: 700px)';

export class NarrowScreen implements ReactiveController {
  private readonly query = matchMedia(NARROW_QUERY);
  private readonly onChange = () => this.host.requestUpdate();

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  get narrow(): boolean {
    return this.query.matches;
  }

  hostConnected(): void {
    this.query.addEventListener('change', this.onChange);
  }

  hostDisconnected(): void {
    this.query.removeEventListener('change', this.onChange);
  }
}
