// The open pixel: a 1x1 transparent GIF89a (43 bytes), and the headers that keep every open a request.

/** GIF89a, 1x1, one-colour table, transparent via the graphic control extension. */
export const TRANSPARENT_GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

/** No cache anywhere (a cached pixel hides the next open); readable from any origin (webmail pages). */
export const PIXEL_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'image/gif',
  'cache-control': 'no-store, no-cache, must-revalidate, private, max-age=0',
  pragma: 'no-cache',
  expires: '0',
  'cross-origin-resource-policy': 'cross-origin',
  'x-content-type-options': 'nosniff',
};
