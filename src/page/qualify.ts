import type { Settings } from '../settings/schema';
import { ariaLabel, hasPresentationRole, isAriaHidden, isInNamedControl, labelledByText } from './aria';
import { isInEditableContent } from './editable';
import { domGeometry } from './geometry';
import type { Geometry } from './geometry';
import { isJunkAlt } from './junk-alt';
import { captionAttributeOf, captionTarget, markerAttribute, sourceUrl, targetKind } from './targets';
import type { CaptionTarget, TargetKind } from './targets';

/**
 * Which images get a generated text alternative. Everything here reads the
 * DOM and never writes it, so the scanner can evaluate a batch of images
 * before touching the page (reads first, then writes, so layout is computed
 * once per batch).
 */

export type CaptionReason =
  /** An `<img>` or `<input type=image>` without alt. */
  | 'missing-alt'
  /** An alt that is a file name or placeholder. */
  | 'junk-alt'
  /** A role=img element or `<svg role=img>` that nothing names. */
  | 'missing-name';

export type SkipReason =
  /** `alt=""`: the author said the image is decorative. */
  | 'decorative'
  /** The author wrote a real alt. */
  | 'author-alt'
  /** role=presentation or role=none. */
  | 'presentation'
  /** aria-hidden on the image or an ancestor: screen readers never reach it. */
  | 'hidden'
  /** aria-label, aria-labelledby, title or an svg `<title>` already name it, or a link or button around it is named. */
  | 'named'
  | 'too-small'
  /** Pixels not there yet (or they never came); evaluate again on `load`. */
  | 'not-loaded'
  /** display:none, visibility:hidden or no box. */
  | 'not-rendered'
  /** Carries the text we wrote. */
  | 'ours'
  /** In content the user is editing (contenteditable, design mode): the editor would save our text as theirs. */
  | 'editable'
  /** Not an image we can describe. */
  | 'unsupported';

export type Verdict =
  | { kind: 'caption'; reason: CaptionReason; target: CaptionTarget }
  | { kind: 'skip'; reason: SkipReason };

export interface QualifyContext {
  geometry?: Geometry;
  /**
   * The text this extension last wrote on the element (alt or aria-label),
   * when it remembers one. Lets a `data-lightcap="generated"` marker whose
   * text the author has since replaced be told apart from our own.
   */
  writtenAlt?: (element: Element) => string | undefined;
}

const trackerPixelSize = 2;

export function qualify(element: Element, settings: Pick<Settings, 'replaceJunkAlt' | 'minSize'>, context: QualifyContext = {}): Verdict {
  const geometry = context.geometry ?? domGeometry;
  const target = captionTarget(element);
  const kind = target && targetKind(target);
  if (!target || !kind) return skip('unsupported');
  // Before our own text: an image we described may have become editable since, and ours must go.
  if (isInEditableContent(target)) return skip('editable');

  const current = target.getAttribute(captionAttributeOf(target));
  if (current !== null && target.getAttribute(markerAttribute) === 'generated') {
    const written = context.writtenAlt?.(target);
    // Without a memory of what we wrote (another instance of the content
    // script wrote it) the marker is trusted; with one, only an exact match.
    if (written === undefined || written === current) {
      // A name the author gave it since (a title, an svg <title>, a label on the link around it) outranks ours or stands beside it: ours goes.
      if (hasOtherName(target, kind, settings.replaceJunkAlt) || isInNamedControl(target)) return skip('named');
      return skip('ours');
    }
  }

  let reason: CaptionReason;
  if (kind === 'img' || kind === 'input') {
    reason = 'missing-alt';
    if (current !== null) {
      // Whitespace-only alt is read as nothing by screen readers, same as "".
      if (current.trim() === '') return skip('decorative');
      if (!settings.replaceJunkAlt || !isJunkAlt(current, sourceUrl(target))) return skip('author-alt');
      reason = 'junk-alt';
    }
    if (hasPresentationRole(target)) return skip('presentation');
  } else {
    // A blank aria-label names nothing, so it is no reason to stay silent.
    if ((current ?? '').trim() !== '') return skip('named');
    reason = 'missing-name';
  }

  if (isAriaHidden(target)) return skip('hidden');
  if (hasOtherName(target, kind, settings.replaceJunkAlt)) return skip('named');
  if (isInNamedControl(target)) return skip('named');
  // role=img with no picture behind it (text, an emoji, a gradient): nothing to describe.
  if (kind === 'role-img' && sourceUrl(target) === '') return skip('unsupported');

  if (!geometry.isRendered(target)) return skip('not-rendered');
  if (!geometry.isLoaded(target)) return skip('not-loaded');
  const size = geometry.rect(target);
  if (size.width <= 0 || size.height <= 0) return skip('not-rendered');
  if (isTooSmall(target, settings.minSize, geometry)) return skip('too-small');

  return { kind: 'caption', reason, target };
}

/** Below minSize on either rendered side, or a tracking pixel (≤ 2 px natural size on either side). */
export function isTooSmall(target: Element, minSize: number, geometry: Geometry = domGeometry): boolean {
  const size = geometry.rect(target);
  if (size.width < minSize || size.height < minSize) return true;
  const natural = geometry.naturalSize(target);
  return natural !== undefined && (natural.width <= trackerPixelSize || natural.height <= trackerPixelSize);
}

function skip(reason: SkipReason): Verdict {
  return { kind: 'skip', reason };
}

/**
 * A name from anything other than the attribute we write. A title that is
 * itself junk does not count: alt and aria-label outrank title, so writing
 * them fixes it.
 */
function hasOtherName(target: CaptionTarget, kind: TargetKind, ignoreJunkTitle: boolean): boolean {
  if (kind !== 'role-img' && kind !== 'svg' && ariaLabel(target) !== '') return true;
  if (labelledByText(target) !== '') return true;
  if (kind === 'svg') return svgTitle(target) !== '';
  const title = (target.getAttribute('title') ?? '').trim();
  if (title === '') return false;
  return !(ignoreJunkTitle && isJunkAlt(title, sourceUrl(target)));
}

/** An svg is named by a `<title>` that is its direct child. */
function svgTitle(svg: Element): string {
  for (const child of svg.children) if (child.localName === 'title') return (child.textContent ?? '').trim();
  return '';
}
