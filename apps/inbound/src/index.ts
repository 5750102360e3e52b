// @reply-sync/inbound: the SMTP server of the logging addresses and the processing of what it receives (`reply-sync inbound`).
export { parseInboundEnv, InboundEnvError, DEFAULT_INBOUND_MAX_MESSAGE_BYTES, type InboundEnv } from './env';
export { runInbound } from './run-inbound';
export { startInbound, type RunningInbound, type StartInboundOptions } from './inbound-service';
export { startSmtpReceiver, UNKNOWN_RECIPIENT_TEXT, TOO_LARGE_TEXT } from './smtp-receiver';
export { processInbound, type ProcessResult } from './process-inbound';
export { requeueSpooled } from './inbound-worker';
export { checkSender, systemResolver, type DnsResolver } from './verify-sender';
export { createLogger } from './logger';
