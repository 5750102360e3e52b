// Preloaded (`node --import`) into a timed command: writes the process's peak resident memory (KiB) to
// $REPORT_MAX_RSS_FILE when it exits.
import { writeFileSync } from 'node:fs';

process.on('exit', () => writeFileSync(process.env.REPORT_MAX_RSS_FILE, String(process.resourceUsage().maxRSS)));
