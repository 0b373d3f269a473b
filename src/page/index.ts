export { captionTarget, domGeometry, isAriaHidden, isJunkAlt, isTooSmall, markerAttribute, nearViewportMargin, qualify, sourceUrl } from './qualify';
export type { CaptionReason, CaptionTarget, Geometry, Proximity, QualifyContext, Size, SkipReason, Verdict } from './qualify';
export { createAltWriter } from './writer';
export type { AltWriter, LightcapState } from './writer';
export { createPageCaptioner, defaultCaptionLimits, intersectionViewport } from './scanner';
export type { CaptionClient, CaptionLimits, CaptionRequest, PageCaptioner, PageCaptionerOptions, ViewportWatcher, ViewportWatcherFactory } from './scanner';
export { clipboardText, createToastController, defaultToastLabels, toastHostId } from './toast';
export type { ToastController, ToastHandle, ToastLabels, ToastOptions } from './toast';
