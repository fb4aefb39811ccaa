// Entry-type icons as inline SVG: emoji depend on the device's fonts (a bare Linux or an old tablet shows boxes),
// and the app may load no font or image from elsewhere.
import { svg, type SVGTemplateResult } from 'lit';
import type { NodeInfo } from '../api/pond-api';
import type { EntryType } from '../core/entry';

const wrap = (body: SVGTemplateResult) => svg`<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true"
  fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;

export const ICONS: Record<EntryType, SVGTemplateResult> = {
  directory: wrap(svg`<path d="M3 6.5A1.5 1.5 0 0 1 4.5 5H9l2 2h8.5A1.5 1.5 0 0 1 21 8.5v9a1.5 1.5 0 0 1-1.5 1.5h-15A1.5 1.5 0 0 1 3 17.5z"/>`),
  symlink: wrap(svg`<path d="M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1"/><path d="M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1"/>`),
  'file:data': wrap(svg`<path d="M6 3h8l4 4v14H6z"/><path d="M14 3v4h4"/>`),
  'file:table': wrap(svg`<rect x="3.5" y="4.5" width="17" height="15" rx="1.5"/><path d="M3.5 9.5h17M3.5 14.5h17M9.5 9.5v10"/>`),
  'file:series': wrap(svg`<path d="M3.5 4v16h17"/><path d="M6.5 15l4-5 3 3 5-6"/>`),
};

/** A derived node: two lines merging into one (inputs computed into a series), unlike a stored series' chart mark. */
export const DERIVED_ICON = wrap(svg`<path d="M3 6h3c4 0 5 6 9 6h5"/><path d="M3 18h3c4 0 5-6 9-6"/><path d="M17.5 9l3 3-3 3"/>`);

/** The icon of a node: its entry type's, or the derived mark for a node computed when read. */
export const iconFor = (node: Pick<NodeInfo, 'type' | 'derived'>): SVGTemplateResult => (node.derived ? DERIVED_ICON : ICONS[node.type]);
