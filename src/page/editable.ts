/**
 * Whether an element sits in content the user is editing: inside an element
 * with `contenteditable` (any value but "false"), or in a document in design
 * mode. Rich-text editors (a mail being written, a comment box, a CMS) save
 * what their editable DOM holds, so text we wrote there would be saved and
 * sent as if the author had written it. A `contenteditable="false"` island
 * inside an editor (an image widget) is saved with the rest, so it counts as
 * edited too.
 *
 * Walked by hand instead of reading `isContentEditable`, which SVG elements
 * lack; the walk continues from a shadow root to its host.
 */
export function isInEditableContent(element: Element): boolean {
  if (element.ownerDocument.designMode === 'on') return true;
  for (let node: Element | null = element; node; node = parentOrHost(node)) {
    const value = node.getAttribute('contenteditable');
    if (value !== null && value.trim().toLowerCase() !== 'false') return true;
  }
  return false;
}

function parentOrHost(element: Element): Element | null {
  if (element.parentElement) return element.parentElement;
  const root = element.parentNode;
  return root && root.nodeType === 11 && 'host' in root ? (root as ShadowRoot).host : null;
}
