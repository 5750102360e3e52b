// Office 365's SMTP AUTH refusals, as nodemailer really reports them (from a loopback server that answers
// with Microsoft's words): each gets its own disconnect reason and sentence instead of "the password was
// probably changed".
import { describe, expect, it } from 'vitest';
import type { MailCredentials } from '@reply-sync/mail';
import { smtpAuthRefusal } from '@reply-sync/testkit';
import { classifySmtpFailure, smtpFailureSentence } from '../src/send/classify-smtp-failure';

const password: MailCredentials = { kind: 'password', username: 'ana@contoso.test', password: 'Secret-pw-1' };
const oauth: MailCredentials = { kind: 'oauth2', username: 'ana@contoso.test', accessToken: 'eyJ0eXAi-secret-token' };

describe('classifySmtpFailure: Office 365', () => {
  it.each([
    ['the tenant', 'Tenant', password],
    ['the mailbox', 'Mailbox', password],
    ['the tenant, with OAuth', 'Tenant', oauth],
  ])('535 5.7.139 SmtpClientAuthentication disabled for %s → smtp_auth_disabled with an administrator sentence', async (_, scope, credentials) => {
    const err = await smtpAuthRefusal(
      `535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the ${scope}. Visit https://aka.ms/smtp_auth_disabled for more information. [TY1PR01CA0183.jpnprd01.prod.outlook.com]`,
      credentials,
    );
    const failure = classifySmtpFailure(err, credentials);
    expect(failure).toMatchObject({ kind: 'auth', reason: 'smtp_auth_disabled' });
    expect(failure.detail).toContain(`SmtpClientAuthentication is disabled for the ${scope}`);
    const sentence = smtpFailureSentence(failure, 'ana@contoso.test');
    expect(sentence).toContain('ana@contoso.test');
    expect(sentence).toMatch(/administrator to turn on Authenticated SMTP/);
    expect(sentence).not.toMatch(/password/i);
  });

  it('550 5.7.30 basic authentication not supported → basic_auth_disabled, pointing at OAuth', async () => {
    const err = await smtpAuthRefusal('550 5.7.30 Basic authentication is not supported for Client Submission.', password);
    const failure = classifySmtpFailure(err, password);
    expect(failure).toMatchObject({ kind: 'auth', reason: 'basic_auth_disabled' });
    expect(smtpFailureSentence(failure, 'ana@contoso.test')).toMatch(/--provider office365/);
  });

  it('535 5.7.3 (a wrong password) stays password_rejected', async () => {
    const err = await smtpAuthRefusal('535 5.7.3 Authentication unsuccessful [SN4PR0601CA0002.namprd06.prod.outlook.com]', password);
    expect(classifySmtpFailure(err, password)).toMatchObject({ kind: 'auth', reason: 'password_rejected' });
  });
});
