// A DKIM-signed message as bytes (nodemailer's own MIME and signature), for tests that spool a message
// without an SMTP session.
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type { DkimKey } from './inbound-fixture';

export async function signedMessage(key: DkimKey, mail: Mail.Options): Promise<Buffer> {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, dkim: { domainName: key.domainName, keySelector: key.keySelector, privateKey: key.privateKey } });
  const info = await composer.sendMail(mail);
  return info.message as Buffer;
}
