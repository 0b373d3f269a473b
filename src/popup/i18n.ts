import { browserUiLanguage, extensionLocaliser } from '../shared/extension-i18n';
import { createPopupFields } from './fields';
import { createPopupFormat } from './format';

/**
 * The popup's words, in the browser's language where we ship it (English
 * otherwise), read once when the popup opens. Unit tests, which have no
 * `browser`, get English.
 */
export const uiLanguage = browserUiLanguage();
export const localiser = extensionLocaliser();
export const t = localiser.translate;
export const format = createPopupFormat(localiser);
export const fields = createPopupFields(localiser);
