/**
 * The English messages, exactly as in public/_locales/en/messages.json (a
 * unit test keeps the two equal). They are here too so that every key is
 * typed, and so that the English text is still there where
 * `browser.i18n.getMessage` is not (unit tests, a context without i18n).
 *
 * Placeholders follow the WebExtension format: `$NAME$` in the message,
 * filled from the substitution its `content` ("$1", "$2"…) names.
 */
export const englishMessages = {
  popupIntro: {
    message: 'Describes images that have no alt text, on this device.',
    description: 'Popup: the line under the product name.',
  },
  checkingPage: {
    message: 'Checking this page…',
    description: 'Popup: shown while the popup finds out which tab it belongs to.',
  },
  cannotRunHere: {
    message: "LightCap can't run on this page.",
    description: 'Popup: browser pages and extension stores, where extensions may not run.',
  },
  noSiteHere: {
    message: 'This page has no site, so only “$SWITCH$” applies here.',
    description: 'Popup: under the per-site switch on a file: page, which has no site to turn off.',
    placeholders: { switch: { content: '$1', example: 'Describe images automatically' } },
  },
  localFilesNotAllowed: {
    message: 'LightCap is not running on this file. In Chrome, turn on “Allow access to file URLs” in its details on the extensions page, then reload.',
    description: 'Popup: a file: page where the content script is not running (Chrome needs the user to allow file access).',
  },
  offEverywhere: {
    message: 'Off everywhere. Turn on “$SWITCH$” to choose per site.',
    description: 'Popup: under the per-site switch while the main switch is off.',
    placeholders: { switch: { content: '$1', example: 'Describe images automatically' } },
  },
  couldNotSave: {
    message: "Couldn't save: $ERROR$",
    description: 'Popup: announced when a setting could not be stored.',
    placeholders: { error: { content: '$1', example: 'QUOTA_BYTES quota exceeded' } },
  },
  minSizeNotSaved: {
    message: 'Minimum image size not saved. $REASON$',
    description: 'Popup: announced when the typed minimum size is not valid.',
    placeholders: { reason: { content: '$1', example: 'Enter a whole number from 1 to 512.' } },
  },
  settingsHeading: {
    message: 'Settings',
    description: 'Popup: heading of the settings section.',
  },
  describeAutomatically: {
    message: 'Describe images automatically',
    description: 'Popup: the main on/off switch.',
  },
  describeOnSite: {
    message: 'Describe images on $SITE$',
    description: 'Popup: the switch for the site in the current tab.',
    placeholders: { site: { content: '$1', example: 'example.com' } },
  },
  describeOnThisSite: {
    message: 'Describe images on this site',
    description: 'Popup: the per-site switch when the page is not a web site.',
  },
  moreSettings: {
    message: 'More settings',
    description: 'Popup: the fold that holds the less-used settings.',
  },
  descriptionLanguageLabel: {
    message: 'Language of descriptions',
    description: 'Popup: label of the list that picks the language the alt texts are written in.',
  },
  descriptionLanguageBrowser: {
    message: 'Browser language ($LANGUAGE$)',
    description: "Popup: the option that follows the browser's language; the placeholder names the language that gives, in that language.",
    placeholders: { language: { content: '$1', example: 'English' } },
  },
  descriptionLanguageHint: {
    message: 'Text read in an image is never translated.',
    description: 'Popup: hint under the language list.',
  },
  prefixLabel: {
    message: 'Prefix for descriptions',
    description: 'Popup: label of the text put before every generated alt text.',
  },
  prefixHint: {
    message: 'Read before each description so listeners know a machine wrote it. End with a space; may be empty.',
    description: 'Popup: hint under the prefix field.',
  },
  replaceJunkAltLabel: {
    message: 'Also replace placeholder alt text (file names, “image”)',
    description: 'Popup: checkbox. “image” is an example of an alt text that says nothing; keep it in English, that is the word LightCap looks for.',
  },
  captionModelLabel: {
    message: 'Describe scenes in a sentence when the model is sure',
    description: 'Popup: checkbox that turns the caption model on.',
  },
  captionModelHint: {
    message: 'Off: only the objects found and the text read in the image.',
    description: 'Popup: hint under the caption model checkbox.',
  },
  neutralWordingLabel: {
    message: 'Say “person” and “child”, not a guessed gender',
    description: 'Popup: checkbox for neutral words for people.',
  },
  useGpuLabel: {
    message: 'Use the GPU when available',
    description: 'Popup: checkbox that lets the engine run on the graphics processor (WebGPU).',
  },
  useGpuHint: {
    message: 'Faster on most computers with a graphics card. Off: the processor alone.',
    description: 'Popup: hint under the GPU checkbox.',
  },
  minSizeLabel: {
    message: 'Minimum image size, in CSS pixels',
    description: 'Popup: label of the number field.',
  },
  minSizeHint: {
    message: 'Smaller images are skipped. From $MIN$ to $MAX$.',
    description: 'Popup: hint beside the minimum size field.',
    placeholders: { min: { content: '$1', example: '1' }, max: { content: '$2', example: '512' } },
  },
  minSizeRange: {
    message: 'Enter a whole number from $MIN$ to $MAX$.',
    description: 'Popup: error under the minimum size field.',
    placeholders: { min: { content: '$1', example: '1' }, max: { content: '$2', example: '512' } },
  },
  minSizeWholePixels: {
    message: 'Use a whole number of pixels. $RANGE$',
    description: 'Popup: error when a fraction was typed; the placeholder is the message minSizeRange.',
    placeholders: { range: { content: '$1', example: 'Enter a whole number from 1 to 512.' } },
  },
  couldNotLoadSettings: {
    message: "Couldn't load settings: $ERROR$",
    description: 'Popup: shown instead of the settings when they could not be read.',
    placeholders: { error: { content: '$1', example: 'storage is not available' } },
  },
  loadingSettings: {
    message: 'Loading settings…',
    description: 'Popup: shown while the settings are read.',
  },
  privacyPolicy: {
    message: 'Privacy policy',
    description: 'Popup: footer link.',
  },
  thirdPartyNotices: {
    message: 'Third-party notices',
    description: 'Popup: footer link to the licences of the bundled software and models.',
  },
  pageHeading: {
    message: 'This page',
    description: 'Popup: heading of the counts for the current tab.',
  },
  countingImages: {
    message: 'Counting images…',
    description: 'Popup: shown until the page answers.',
  },
  notRunningYet: {
    message: "LightCap isn't running on this page yet. Reload the page to start it.",
    description: 'Popup: the page was open before LightCap was installed.',
  },
  couldNotCount: {
    message: "Couldn't count this page's images: $ERROR$",
    description: 'Popup: the page answered with an error.',
    placeholders: { error: { content: '$1', example: 'no answer' } },
  },
  notDescribingHere: {
    message: 'Not describing images on this page.',
    description: 'Popup: LightCap is off for this page.',
  },
  countFound: { message: 'Found', description: 'Popup: count of images found on the page.' },
  countCaptioned: { message: 'Captioned', description: 'Popup: count of images that got a description.' },
  countPending: { message: 'Pending', description: 'Popup: count of images waiting for a description.' },
  countFailed: { message: 'Failed', description: 'Popup: count of images that could not be described.' },
  countUnsure: { message: 'Not confident', description: 'Popup: count of images where nothing was recognised with confidence.' },
  countDecorative: { message: 'Skipped as decorative', description: 'Popup: count of images the author marked decorative.' },
  modelHeading: {
    message: 'Model',
    description: 'Popup: heading of the description model section.',
  },
  checkingModel: {
    message: 'Checking the model…',
    description: 'Popup: shown until the model status arrives.',
  },
  couldNotReachModel: {
    message: "Couldn't reach the model: $ERROR$",
    description: 'Popup: the background did not answer.',
    placeholders: { error: { content: '$1', example: 'no answer' } },
  },
  modelState: { message: 'State', description: 'Popup: term for the state of the model.' },
  modelLoadTime: { message: 'Load time', description: 'Popup: term for how long the model took to load.' },
  modelQueued: { message: 'Queued', description: 'Popup: term for the number of images waiting.' },
  modelRunsOn: {
    message: 'Runs on',
    description: 'Popup: term for where the model runs (processor, graphics processor).',
  },
  runsOnProcessor: {
    message: 'the processor, $THREADS$',
    description: 'Popup: the model runs on the CPU with this many threads.',
    placeholders: { threads: { content: '$1', example: '2 threads' } },
  },
  runsOnGpu: {
    message: 'the graphics processor (WebGPU) and the processor, $THREADS$',
    description: 'Popup: part of the model runs on the GPU, the rest on the CPU with this many threads.',
    placeholders: { threads: { content: '$1', example: '2 threads' } },
  },
  threadsOne: {
    message: '$COUNT$ thread',
    description: 'Popup: exactly one processor thread.',
    placeholders: { count: { content: '$1', example: '1' } },
  },
  threadsOther: {
    message: '$COUNT$ threads',
    description: 'Popup: a number of processor threads.',
    placeholders: { count: { content: '$1', example: '2' } },
  },
  modelCache: { message: 'Cache', description: 'Popup: term for the stored descriptions.' },
  clearCache: {
    message: 'Clear cache',
    description: 'Popup: button.',
  },
  clearCacheHint: {
    message: 'Deletes the stored descriptions.',
    description: 'Popup: hint beside the Clear cache button.',
  },
  couldNotClearCache: {
    message: "Couldn't clear the cache: $ERROR$",
    description: 'Popup: announced when clearing failed.',
    placeholders: { error: { content: '$1', example: 'no answer' } },
  },
  stateIdle: { message: 'Not loaded: it loads when a page needs it', description: 'Popup: model state. Also shown after the engine freed its memory, unused for a few minutes.' },
  stateLoading: { message: 'Loading…', description: 'Popup: model state.' },
  stateReady: { message: 'Ready', description: 'Popup: model state.' },
  stateFailed: { message: 'Failed', description: 'Popup: model state.' },
  stateFailedBecause: {
    message: 'Failed: $ERROR$',
    description: 'Popup: model state with the reason the load failed.',
    placeholders: { error: { content: '$1', example: 'out of memory' } },
  },
  millisecondsOne: {
    message: '$COUNT$ millisecond',
    description: 'Popup: a duration of exactly one millisecond.',
    placeholders: { count: { content: '$1', example: '1' } },
  },
  millisecondsOther: {
    message: '$COUNT$ milliseconds',
    description: 'Popup: a duration in milliseconds, spelled out for screen readers.',
    placeholders: { count: { content: '$1', example: '1,235' } },
  },
  secondsOne: {
    message: '$COUNT$ second',
    description: 'Popup: a duration of exactly one second.',
    placeholders: { count: { content: '$1', example: '1' } },
  },
  secondsOther: {
    message: '$COUNT$ seconds',
    description: 'Popup: a duration in seconds.',
    placeholders: { count: { content: '$1', example: '2.5' } },
  },
  bytesOne: {
    message: '$COUNT$ byte',
    description: 'Popup: a size of exactly one byte.',
    placeholders: { count: { content: '$1', example: '1' } },
  },
  bytesOther: {
    message: '$COUNT$ bytes',
    description: 'Popup: a size under 1 kB.',
    placeholders: { count: { content: '$1', example: '812' } },
  },
  descriptionsOne: {
    message: '$COUNT$ description',
    description: 'Popup: exactly one stored description.',
    placeholders: { count: { content: '$1', example: '1' } },
  },
  descriptionsOther: {
    message: '$COUNT$ descriptions',
    description: 'Popup: a number of stored descriptions.',
    placeholders: { count: { content: '$1', example: '1,234' } },
  },
  cacheEntriesAndSize: {
    message: '$ENTRIES$, $SIZE$',
    description: 'Popup: the cache as a number of descriptions and their size.',
    placeholders: { entries: { content: '$1', example: '1,234 descriptions' }, size: { content: '$2', example: '2.1 MB' } },
  },
  engineTooSlow: {
    message: 'The description model runs too slowly on this device, so images are not being described.',
    description: 'Popup: warning at the top when the model is too slow to use.',
  },
  engineTooSlowCheck: {
    message: 'The description model runs too slowly on this device (one image took $DURATION$), so images are not being described.',
    description: 'Popup: the same warning, with how long the models took on the image that showed it.',
    placeholders: { duration: { content: '$1', example: '31 seconds' } },
  },
  cacheCleared: {
    message: 'Cleared $DESCRIPTIONS$',
    description: 'Popup: announced after the cache was cleared.',
    placeholders: { descriptions: { content: '$1', example: '2,500 descriptions' } },
  },
  saved: {
    message: 'Saved',
    description: 'Popup: announced after a setting was stored.',
  },
  contextMenuDescribe: {
    message: 'Describe image with LightCap',
    description: 'Context menu item on images.',
  },
  menuNothingConfident: {
    message: 'Nothing in this image was recognised with confidence.',
    description: 'Toast: the description of an image where nothing was recognised with confidence.',
  },
  menuUnreadable: {
    message: 'LightCap cannot read this image (it is not a web or data URL).',
    description: 'Toast: error for an image LightCap cannot fetch (blob: and similar URLs).',
  },
  menuCancelled: {
    message: 'The description was cancelled.',
    description: 'Toast: error when the description was cancelled.',
  },
  menuReasonFetch: {
    message: 'The image could not be downloaded.',
    description: 'Toast: the reason a description failed: the image could not be fetched.',
  },
  menuReasonBlocked: {
    message: 'The image is on a local network address that this page cannot reach.',
    description: 'Toast: the reason a description failed: the image is on a private or local host.',
  },
  menuReasonTimeout: {
    message: 'Describing it took too long.',
    description: 'Toast: the reason a description failed: it timed out.',
  },
  menuReasonDamaged: {
    message: 'The image file is empty or damaged.',
    description: 'Toast: the reason a description failed: the file is empty or corrupt.',
  },
  menuReasonFormat: {
    message: 'This kind of image is not supported.',
    description: 'Toast: the reason a description failed: unsupported format (or an SVG with filters).',
  },
  menuReasonTooSmall: {
    message: 'The image is too small to describe.',
    description: 'Toast: the reason a description failed: the image is tiny.',
  },
  menuReasonTooLarge: {
    message: 'The image is too large to describe safely.',
    description: 'Toast: the reason a description failed: too many pixels or bytes.',
  },
  menuReasonBusy: {
    message: 'Too many images are waiting. Try again in a moment.',
    description: 'Toast: the reason a description failed: the queue is full.',
  },
  menuReasonRestarting: {
    message: 'The extension was restarting. Try again.',
    description: 'Toast: the reason a description failed: the engine was unavailable.',
  },
  menuReasonTooSlow: {
    message: 'The description model runs too slowly on this device.',
    description: 'Toast: the reason a description failed: the device is too slow for the model.',
  },
  menuReasonEngine: {
    message: 'The description model failed.',
    description: 'Toast: the reason a description failed: the model could not load or run.',
  },
  toastWorking: {
    message: 'Describing image…',
    description: 'Toast on the page: while the image is being described.',
  },
  toastTextHeading: {
    message: 'Text in the image:',
    description: 'Toast on the page: heading of the lines of text read in the image.',
  },
  toastCopy: {
    message: 'Copy',
    description: 'Toast on the page: button that copies the description.',
  },
  toastCopied: {
    message: 'Copied',
    description: 'Toast on the page: the Copy button after a copy.',
  },
  toastCopyFailed: {
    message: 'Copy failed',
    description: 'Toast on the page: the Copy button after a failed copy.',
  },
  toastClose: {
    message: 'Close',
    description: 'Toast on the page: button that closes it.',
  },
  toastError: {
    message: 'Could not describe the image: $ERROR$',
    description: 'Toast on the page: the reason comes from the extension.',
    placeholders: { error: { content: '$1', example: 'The image could not be read.' } },
  },
  toastUnknownError: {
    message: 'unknown error',
    description: 'Toast on the page: the reason, when none was given.',
  },
} as const;
