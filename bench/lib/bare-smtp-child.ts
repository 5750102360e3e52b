// The floor of the inbound scenario: a bare smtp-server that takes every recipient and reads each
// message to its end, then discards it (what the SMTP library alone does on this machine). Prints its
// port; stops on SIGTERM.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  logger: false,
  maxClients: 200,
  size: 75 * 1024 * 1024,
  onData(stream, _session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => callback(null, '2.0.0 discarded'));
  },
});
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ msg: 'bench bare smtp ready', port: (server.server.address() as AddressInfo).port }));
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
