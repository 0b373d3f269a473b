/** A COCO-caption folder's captions.json (captions-dev, captions-dev-vizwiz, the training sets). */
export interface CocoCaptions {
  images: { id: number; file_name: string }[];
  annotations: { image_id: number; caption: string }[];
  /** Where the images are, relative to the JSON file, when not in `images/` next to it (captions-dev-de.json). */
  info?: { images_dir?: string };
  /** VizWiz: photos whose annotators all said the picture could not be described. */
  quality_issue_images?: { file_name: string }[];
}

/** Each image's reference captions, by image id, in file order. */
export function referencesByImage(coco: CocoCaptions): Map<number, string[]> {
  const refs = new Map<number, string[]>();
  for (const a of coco.annotations) refs.set(a.image_id, [...(refs.get(a.image_id) ?? []), a.caption]);
  return refs;
}
