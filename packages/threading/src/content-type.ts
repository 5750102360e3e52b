// The media type and one parameter of a Content-Type value, enough for the bounce and receipt rules.

import { stripComments } from './strip-comments';

const REPORT_TYPE = /;\s*report-type\s*=\s*"?([^";\s]+)/;

/** `multipart/report; report-type="delivery-status"` → { type: 'multipart/report', reportType: 'delivery-status' }. */
export function parseContentType(value: string | undefined): { type: string; reportType: string | null } {
  if (!value) return { type: '', reportType: null };
  const lower = stripComments(value.toLowerCase(), '');
  const semi = lower.indexOf(';');
  const type = (semi === -1 ? lower : lower.slice(0, semi)).trim();
  const m = REPORT_TYPE.exec(lower);
  return { type, reportType: m ? m[1]! : null };
}
