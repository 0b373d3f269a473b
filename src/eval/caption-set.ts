/**
 * A COCO-caption evaluation set, given either as a folder (`captions.json`
 * and `images/`, as captions-dev) or as the JSON file itself, whose
 * `info.images_dir` says where its images are, relative to the file
 * (flickr30k-text/captions-dev-de.json: "../captions-dev/images").
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { CocoCaptions } from './coco-captions';

export interface CaptionSet {
  /** For reports: the folder's name, or the file's without ".json". */
  name: string;
  coco: CocoCaptions;
  imagesDir: string;
}

/** The set at `path`, or undefined when there is none (no folder with captions.json, no such file). */
export function readCaptionSet(path: string): CaptionSet | undefined {
  const full = resolve(path);
  if (!existsSync(full)) return undefined;
  const isFolder = statSync(full).isDirectory();
  const file = isFolder ? join(full, 'captions.json') : full;
  if (!existsSync(file)) return undefined;
  const coco = JSON.parse(readFileSync(file, 'utf8')) as CocoCaptions;
  const imagesDir = coco.info?.images_dir ? resolve(dirname(file), coco.info.images_dir) : join(dirname(file), 'images');
  return { name: isFolder ? basename(full) : basename(full).replace(/\.json$/, ''), coco, imagesDir };
}
