import { primaryRole } from './targets';

/**
 * What assistive technology makes of an element: hidden or not, named or
 * not. Reads the DOM, never writes it.
 */

export function isShadowRoot(node: Node): node is ShadowRoot {
  return node.nodeType === 11 && 'host' in node;
}

/** The parent element, or the shadow host when the element is at the top of a shadow tree. */
export function parentAcrossShadow(element: Element): Element | undefined {
  if (element.parentElement) return element.parentElement;
  const parent = element.parentNode;
  return parent && isShadowRoot(parent) ? parent.host : undefined;
}

export function hasPresentationRole(element: Element): boolean {
  const role = primaryRole(element);
  return role === 'presentation' || role === 'none';
}

/** aria-hidden=true on the element or any ancestor, crossing shadow boundaries. */
export function isAriaHidden(element: Element): boolean {
  for (let node: Element | undefined = element; node; node = parentAcrossShadow(node)) {
    if ((node.getAttribute('aria-hidden') ?? '').trim().toLowerCase() === 'true') return true;
  }
  return false;
}

/** A non-blank aria-label. */
export function ariaLabel(element: Element): string {
  return (element.getAttribute('aria-label') ?? '').trim();
}

/** The text aria-labelledby points at, resolved in the element's own tree (document or shadow root). */
export function labelledByText(element: Element): string {
  const ids = (element.getAttribute('aria-labelledby') ?? '').trim().split(/\s+/).filter(Boolean);
  if (ids.length === 0) return '';
  const root = element.getRootNode();
  const lookup = (id: string): Element | null =>
    isShadowRoot(root) || root.nodeType === 9 ? (root as Document | ShadowRoot).getElementById(id) : null;
  return ids
    .map((id) => {
      const label = lookup(id);
      if (!label) return '';
      return ariaLabel(label) || (label.textContent ?? '').trim();
    })
    .join(' ')
    .trim();
}

/** Roles whose name comes from their content, so an image inside names them. */
const controlRoles = new Set(['link', 'button', 'menuitem', 'tab']);

/** A link or a button (or a role that takes its name from its content, like them). */
export function isControl(element: Element): boolean {
  const name = element.localName;
  return (name === 'a' && element.hasAttribute('href')) || name === 'button' || controlRoles.has(primaryRole(element));
}

/** The nearest link or button the element sits in, crossing shadow boundaries. */
export function enclosingControl(element: Element): Element | undefined {
  for (let node = parentAcrossShadow(element); node; node = parentAcrossShadow(node)) if (isControl(node)) return node;
  return undefined;
}

/**
 * The image sits in a link or button that aria-label or aria-labelledby
 * already names: screen readers announce that name and never the image, so
 * a description would go unheard (and would change nothing if it were).
 */
export function isInNamedControl(element: Element): boolean {
  const control = enclosingControl(element);
  return control !== undefined && (ariaLabel(control) !== '' || labelledByText(control) !== '');
}
