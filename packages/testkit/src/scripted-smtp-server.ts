// A loopback SMTP submission server that refuses AUTH with a scripted reply, to get the real nodemailer
// error for provider answers we cannot reach from here (Office 365's 535 5.7.139 and 550 5.7.30).
// It speaks the way Office 365 does: `AUTH LOGIN XOAUTH2`, LOGIN as username then password prompts.
import nodemailer from 'nodemailer';
import { startLineServer, type LineServer } from './line-server';

export type ScriptedSmtpServer = LineServer;

/** `authReply` is the whole reply line to the credentials, e.g. `535 5.7.139 Authentication unsuccessful, ...`. */
export function startScriptedSmtpServer(authReply: string): Promise<ScriptedSmtpServer> {
  return startLineServer((socket) => {
    socket.write('220 scripted.outlook.test Microsoft ESMTP MAIL Service ready\r\n');
    let loginStep = 0;
    return (line) => {
      const verb = line.split(' ')[0]!.toUpperCase();
      if (loginStep === 1) {
        loginStep = 2;
        socket.write('334 UGFzc3dvcmQ6\r\n');
      } else if (loginStep === 2) {
        loginStep = 0;
        socket.write(`${authReply}\r\n`);
      } else if (verb === 'EHLO' || verb === 'HELO') {
        socket.write('250-scripted.outlook.test Hello\r\n250-SIZE 157286400\r\n250-AUTH LOGIN XOAUTH2\r\n250 8BITMIME\r\n');
      } else if (verb === 'AUTH' && /^AUTH LOGIN$/i.test(line)) {
        loginStep = 1;
        socket.write('334 VXNlcm5hbWU6\r\n');
      } else if (verb === 'AUTH') {
        socket.write(`${authReply}\r\n`);
      } else if (verb === 'QUIT') {
        socket.end('221 2.0.0 Service closing transmission channel\r\n');
      } else {
        socket.write('503 5.5.1 Bad sequence of commands\r\n');
      }
    };
  });
}

/** The error nodemailer really raises when the scripted server refuses these credentials with `authReply`. */
export async function smtpAuthRefusal(
  authReply: string,
  login: { kind: 'password'; username: string; password: string } | { kind: 'oauth2'; username: string; accessToken: string },
): Promise<unknown> {
  const smtp = await startScriptedSmtpServer(authReply);
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: smtp.port,
    secure: false,
    ignoreTLS: true,
    connectionTimeout: 5_000,
    auth: login.kind === 'password' ? { user: login.username, pass: login.password } : { type: 'OAuth2', user: login.username, accessToken: login.accessToken },
  });
  try {
    await transport.sendMail({ from: login.username, to: 'bob@example.test', subject: 'Proposal', text: 'Hello' });
  } catch (err) {
    return err;
  } finally {
    transport.close();
    await smtp.close();
  }
  throw new Error('expected the scripted SMTP server to refuse the login');
}
