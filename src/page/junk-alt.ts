/**
 * Alt text that says nothing about the image: file names, camera defaults,
 * hashes, placeholder words. Precision matters more than recall: replacing a
 * real alt ("Logo", "Jane Doe") would overwrite the author's words with a
 * machine's guess.
 */

const imageExtensions = 'jpe?g|jfif|png|gif|webp|avif|svg|bmp|tiff?|heic|heif|ico';

/** Words that name the medium, not the content. Compared whole, after trimming. */
const placeholderWords = new Set(['image', 'photo', 'picture', 'untitled', 'spacer', 'img', 'graphic', 'blank', 'pic', 'alt', 'alt text', 'undefined', 'null']);

const junkPatterns: readonly RegExp[] = [
  // A file name: no space right before the extension ("my photo.png" is still a file name, "available as .png" is not).
  new RegExp(`^[^\\n]{0,200}[^\\s.]\\.(?:${imageExtensions})$`, 'i'),
  // Camera and phone names: IMG_1234, DSC0042, DSC_0042, DSCN1234, PXL_20240101_123456789, IMG-20240101-WA0001.
  /^(?:img|dsc[nf]?|pxl|mvimg|gopr|cimg|pict?|sam|dcim)[_-]?\d+(?:[_-][a-z]{0,4}\d+)*$/i,
  // Placeholders with a number: "image001", "Image 2", "photo_3".
  /^(?:image|img|photo|picture|pic|graphic)[\s_-]?\d+$/i,
  // Screenshots: "Screenshot 2024-01-01 at 10.00.00", "Screen Shot 2020-…", "Screenshot_20240101-101010".
  /^screen[\s_-]?shot[\s_-]+\d[\d\s_.:,-]*(?:(?:at|um|à|a las)\s+[\d.:\s]+(?:[ap]\.?m\.?)?)?(?:\s*\(\d+\))?$/i,
  // A bare URL.
  /^(?:https?:\/\/|www\.)\S+$/i,
  // Content hashes and UUIDs.
  /^[0-9a-f]{16,}$/i,
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
];

/** True when `alt` says nothing about the image shown from `src`. */
export function isJunkAlt(alt: string, src = ''): boolean {
  const value = alt.trim();
  if (value === '') return false;
  if (placeholderWords.has(value.toLowerCase().replace(/[.:…]+$/, ''))) return true;
  if (junkPatterns.some((pattern) => pattern.test(value))) return true;
  return matchesSourceFileName(value, src);
}

/**
 * The alt repeats the src's file name. A plain-words name ("Jane Doe" for
 * "Jane%20Doe.jpg", "logo" for "logo.png") is accepted as the author's text,
 * because people name files after their content; only names with file-name
 * traits (digits, underscores, hyphens or dots between words, no spaces)
 * count as junk.
 */
function matchesSourceFileName(alt: string, src: string): boolean {
  const fileName = lastPathSegment(src);
  if (!fileName) return false;
  const lowerAlt = alt.toLowerCase();
  const lowerName = fileName.toLowerCase();
  const stem = lowerName.replace(/\.[a-z0-9]{1,5}$/, '');
  if (lowerAlt === lowerName && lowerName !== stem) return true;
  if (lowerAlt !== stem) return false;
  return !/\s/.test(alt) && /[\d_.-]/.test(alt);
}

function lastPathSegment(src: string): string | undefined {
  if (!src || /^(data|blob):/i.test(src)) return undefined;
  let path: string;
  try {
    path = new URL(src, 'http://base.invalid/').pathname;
  } catch {
    return undefined;
  }
  const segment = path.slice(path.lastIndexOf('/') + 1);
  if (!segment) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
