// The TLS modes a server setting accepts. Imports types only: the CLI's option definitions read it for --help.
import type { TlsMode } from '@reply-sync/mail';

export const TLS_MODES: readonly TlsMode[] = ['tls', 'starttls', 'none'];
