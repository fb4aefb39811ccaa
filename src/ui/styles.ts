// Shared look: colour tokens for light and dark (prefers-color-scheme), 44 px touch targets, visible focus rings.
// Every component adopts `base` so buttons and inputs look and behave the same in each shadow root.
import { css } from 'lit';

export const base = css`
  :host {
    --bg: #ffffff; --fg: #14202b; --muted: #5a6b78; --line: #d5dde3; --panel: #f4f7f9;
    --accent: #0b6e99; --accent-fg: #ffffff; --danger: #b3261e; --warn-bg: #fff4d6; --warn-fg: #6b4a00;
    --ok-bg: #e3f5e9; --ok-fg: #1d5e33; --focus: #f59e0b; --sel: #dcefff;
    color: var(--fg);
    font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    font-size: 16px;
    box-sizing: border-box;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --bg: #10171d; --fg: #e4ebf0; --muted: #9aabb8; --line: #2c3a45; --panel: #17212a;
      --accent: #4fb3e0; --accent-fg: #06202c; --danger: #ff8a80; --warn-bg: #3d3010; --warn-fg: #ffd98a;
      --ok-bg: #12331f; --ok-fg: #9be3b4; --focus: #fbbf24; --sel: #15344a;
    }
  }
  *, *::before, *::after { box-sizing: inherit; }
  button, select, input, textarea {
    font: inherit; color: inherit; min-height: 44px; border-radius: 8px;
  }
  button {
    min-width: 44px; padding: 0 14px; border: 1px solid var(--line); background: var(--panel); cursor: pointer;
  }
  button.primary { background: var(--accent); color: var(--accent-fg); border-color: var(--accent); }
  button.danger { color: var(--danger); border-color: var(--danger); }
  button:disabled { opacity: 0.5; cursor: not-allowed; }
  input, select, textarea { border: 1px solid var(--line); background: var(--bg); padding: 0 10px; }
  :focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
  .muted { color: var(--muted); }
  .error { color: var(--danger); white-space: pre-wrap; }
  h2 { font-size: 1.05rem; margin: 0 0 8px; }
  table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
  dialog { background: var(--bg); color: var(--fg); border: 1px solid var(--line); border-radius: 12px; max-width: min(520px, 94vw); }
  dialog::backdrop { background: rgb(0 0 0 / 0.45); }
  .row { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
`;
