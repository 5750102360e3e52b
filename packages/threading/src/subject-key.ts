// A subject without its reply and forward prefixes ("Re:", "AW:", "Fwd:", "WG:", "TR:", "RV:", "Odp:",
// "Antw:", "[EXT] Re:" …, repeated or nested), case-folded and with its spaces collapsed: two messages of
// one conversation have the same key. Used to find the logged email a forwarded reply answers.
const PREFIX = /^\s*(?:\[[^\]]{0,40}\]\s*)?(?:re|aw|antw|sv|vs|odp|rv|r|ref|fw|fwd|wg|tr|pd|doorst|enc|i)\s*(?:(?:\[\d{1,4}\]|\(\d{1,4}\))\s*)?[:：]\s*/i;

export function subjectKey(subject: string): string {
  let s = subject.normalize('NFC');
  for (let i = 0; i < 20; i++) {
    const next = s.replace(PREFIX, '');
    if (next === s) break;
    s = next;
  }
  return s.replace(/\s+/g, ' ').trim().toLowerCase();
}
