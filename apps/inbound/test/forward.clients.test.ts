// A reply forwarded to the account's forwarding address by one of its users, from each of the mail clients
// people use (Gmail, Outlook web and desktop, Apple Mail, Thunderbird) in each of English, Dutch, German,
// French, Spanish, Portuguese, Italian and Polish (32 messages), each in that client's own forward-header format (as
// email-forward-parser's fixtures show them; the messages are ours): the ORIGINAL reply is logged on its
// sender's contact (made for them: owner the forwarding user, non-marketing), with its own From, Subject
// and body, and the forwarded reply's Cc recipients are not made contacts. A forward with only an HTML
// part works as well as one with only a text part, and one whose text part lacks the header is read
// from its HTML part. Every quoted Date says 10:15 (Apple Mail and Thunderbird: 10:15:08) on 30 November
// 2026 in CET, in a zone it names or in the forward's own (Ana's clients write "+0100"), and that quoted
// instant, not the forward's Date, is the logged original's sent time. A forward with an HTML part logs
// the original's HTML (cut below the forward header) beside its text.
import { afterEach, describe, expect, it } from 'vitest';
import { createInboundFixture, type InboundFixture } from './helpers/inbound-fixture';

let fx: InboundFixture | undefined;
afterEach(async () => {
  await fx?.cleanup();
  fx = undefined;
});

interface Case {
  name: string;
  subject: string;
  /** The forwarded part, with {from} for the original sender's "Name <address>" and {body} for its text. */
  text?: string;
  html?: string;
  body: string;
}

const CASES: Case[] = [
  {
    name: 'gmail-en',
    subject: 'Fwd: Re: Pricing',
    text: 'Logging this one.\n\n---------- Forwarded message ---------\nFrom: {from}\nDate: Mon, 30 Nov 2026 at 10:15\nSubject: Re: Pricing\nTo: Ana <{ana}>\nCc: Carol <carol-{name}@client.test>\n\n{body}\n\nOn Sun, 29 Nov 2026 at 09:00, Ana <{ana}> wrote:\n> Here is our price.\n',
    body: 'The price works for us.',
  },
  {
    name: 'gmail-nl',
    subject: 'Fwd: Re: Prijs',
    text: '---------- Forwarded message ---------\nVan: {from}\nDate: ma 30 nov 2026 om 10:15\nSubject: Re: Prijs\nTo: <{ana}>\nCc: Carol <carol-{name}@client.test>\n\n{body}\n',
    body: 'De prijs is goed voor ons.',
  },
  {
    name: 'gmail-de-html',
    subject: 'Fwd: Re: Preis',
    html: '<div dir="ltr">FYI<br><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>Von: <strong class="gmail_sendername" dir="auto">{fromName}</strong> <span dir="auto">&lt;<a href="mailto:{fromAddress}">{fromAddress}</a>&gt;</span><br>Date: Mo., 30. Nov. 2026 um 10:15 Uhr<br>Subject: Re: Preis<br>To: Ana &lt;<a href="mailto:{ana}">{ana}</a>&gt;<br></div><br><br><div dir="ltr">{body}</div></div></div>',
    body: 'Der Preis passt uns.',
  },
  {
    name: 'gmail-fr',
    subject: 'Fwd: Re: Prix',
    text: '---------- Forwarded message ---------\nDe : {from}\nDate: lun. 30 nov. 2026 à 10:15\nSubject: Re: Prix\nTo: Ana <{ana}>\n\n{body}\n',
    body: 'Le prix nous convient.',
  },
  {
    name: 'gmail-es',
    subject: 'Fwd: Re: Precio',
    text: '---------- Forwarded message ---------\nDe: {from}\nDate: lun, 30 nov 2026 a las 10:15\nSubject: Re: Precio\nTo: Ana <{ana}>\n\n{body}\n',
    body: 'El precio nos sirve.',
  },
  {
    name: 'gmail-pt',
    subject: 'Fwd: Re: Preço',
    text: '---------- Forwarded message ---------\nDe: {from}\nDate: segunda, 30/11/2026 às 10:15\nSubject: Re: Preço\nTo: Ana <{ana}>\n\n{body}\n',
    body: 'O preço serve para nós.',
  },
  {
    name: 'gmail-it',
    subject: 'Fwd: Re: Prezzo',
    text: '---------- Forwarded message ---------\nDa: {from}\nDate: lun 30 nov 2026 alle ore 10:15\nSubject: Re: Prezzo\nTo: Ana <{ana}>\n\n{body}\n',
    body: 'Il prezzo va bene.',
  },
  {
    name: 'gmail-pl',
    subject: 'Fwd: Re: Cena',
    text: '---------- Forwarded message ---------\nOd: {from}\nDate: pon., 30 lis 2026 o 10:15\nSubject: Re: Cena\nTo: Ana <{ana}>\n\n{body}\n',
    body: 'Cena nam odpowiada.',
  },
  {
    name: 'outlook-web-en-html',
    subject: 'FW: RE: Pricing',
    // A text alternative without the forward header (as some clients and gateways write it): the HTML part has it.
    text: 'Logging this.\n',
    html: '<html><body><div>Logging this.</div><div><br></div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt"><b>From:</b> {fromName} &lt;{fromAddress}&gt;<br><b>Sent:</b> Monday, November 30, 2026 10:15 AM<br><b>To:</b> Ana &lt;{ana}&gt;<br><b>Cc:</b> Carol &lt;carol-{name}@client.test&gt;<br><b>Subject:</b> RE: Pricing</font><div>&nbsp;</div></div><div><p>{body}</p></div></body></html>',
    body: 'The price works, send the contract.',
  },
  {
    name: 'outlook-de',
    subject: 'WG: AW: Preis',
    text: 'Von: {from}\nGesendet: Montag, 30. November 2026 10:15\nAn: Ana <{ana}>\nCc: Carol <carol-{name}@client.test>\nBetreff: AW: Preis\n\n{body}\n',
    body: 'Der Preis passt, bitte den Vertrag schicken.',
  },
  {
    name: 'outlook-fr',
    subject: 'TR: RE: Prix',
    text: 'De : {from}\nEnvoyé : lundi 30 novembre 2026 10:15\nÀ : Ana <{ana}>\nObjet : RE: Prix\n\n{body}\n',
    body: 'Le prix nous convient, envoyez le contrat.',
  },
  {
    name: 'apple-nl',
    subject: 'Fwd: Re: Prijs',
    text: 'Begin doorgestuurd bericht:\n\n> Van: {from}\n> Onderwerp: Re: Prijs\n> Datum: 30 november 2026 om 10:15:08 CET\n> Aan: Ana <{ana}>\n>\n> {body}\n',
    body: 'De prijs is prima.',
  },
  {
    name: 'apple-de',
    subject: 'Fwd: Re: Preis',
    text: 'Anfang der weitergeleiteten Nachricht:\n\n> Von: {from}\n> Betreff: Re: Preis\n> Datum: 30. November 2026 um 10:15:08 MEZ\n> An: Ana <{ana}>\n>\n> {body}\n',
    body: 'Der Preis ist in Ordnung.',
  },
  {
    name: 'apple-pl',
    subject: 'Fwd: Re: Cena',
    text: 'Początek przekazywanej wiadomości:\n\n> Od: {from}\n> Temat: Re: Cena\n> Data: 30 listopada 2026 o 10:15:08 CET\n> Do: Ana <{ana}>\n>\n> {body}\n',
    body: 'Cena jest w porządku.',
  },
  {
    name: 'thunderbird-en',
    subject: 'Fwd: Re: Price',
    text: '-------- Forwarded Message --------\nSubject: \tRe: Price\nDate: \tMon, 30 Nov 2026 10:15:08 +0100\nFrom: \t{from}\nTo: \tAna <{ana}>\n\n{body}\n',
    body: 'The price is fine with us.',
  },
  {
    name: 'thunderbird-nl',
    subject: 'Fwd: Re: Prijs',
    text: '-------- Doorgestuurd bericht --------\nOnderwerp: \tRe: Prijs\nDatum: \tMon, 30 Nov 2026 10:15:08 +0100\nVan: \t{from}\nAan: \tAna <{ana}>\n\n{body}\n',
    body: 'De prijs is akkoord.',
  },
  { name: 'outlook-es', subject: 'RV: RE: Precio', text: 'De: {from}\nEnviado: lunes, 30 de noviembre de 2026 10:15\nPara: Ana <{ana}>\nAsunto: RE: Precio\n\n{body}\n', body: 'Vale, mándenos el contrato.' },
  { name: 'outlook-it', subject: 'I: R: Prezzo', text: 'Da: {from}\nInviato: lunedì 30 novembre 2026 10:15\nA: Ana <{ana}>\nOggetto: R: Prezzo\n\n{body}\n', body: 'Va bene, mandateci il contratto.' },
  { name: 'outlook-pt', subject: 'ENC: RE: Preço', text: 'De: {from}\nEnviado: segunda-feira, 30 de novembro de 2026 10:15\nPara: Ana <{ana}>\nAssunto: RE: Preço\n\n{body}\n', body: 'Sim, enviem o contrato.' },
  { name: 'outlook-pl', subject: 'PD: Odp: Cena', text: 'Od: {from}\nWysłano: poniedziałek, 30 listopada 2026 10:15\nDo: Ana <{ana}>\nTemat: Odp: Cena\n\n{body}\n', body: 'Tak, prosimy o umowę.' },
  { name: 'outlook-nl', subject: 'FW: RE: Prijs', text: 'Van: {from}\nVerzonden: maandag 30 november 2026 10:15\nAan: Ana <{ana}>\nOnderwerp: RE: Prijs\n\n{body}\n', body: 'Ja, stuur het contract.' },
  { name: 'apple-en', subject: 'Fwd: Re: Price', text: 'Begin forwarded message:\n\n> From: {from}\n> Subject: Re: Price\n> Date: 30 November 2026 at 10:15:08 CET\n> To: Ana <{ana}>\n>\n> {body}\n', body: 'Yes, send the contract.' },
  { name: 'apple-fr', subject: 'Fwd: Re: Prix', text: 'Début du message réexpédié :\n\n> De: {from}\n> Objet: Re: Prix\n> Date: 30 novembre 2026 à 10:15:08 UTC+1\n> À: Ana <{ana}>\n>\n> {body}\n', body: 'Oui, envoyez le contrat.' },
  { name: 'apple-es', subject: 'Fwd: Re: Precio', text: 'Inicio del mensaje reenviado:\n\n> De: {from}\n> Asunto: Re: Precio\n> Fecha: 30 de noviembre de 2026, 10:15:08 CET\n> Para: Ana <{ana}>\n>\n> {body}\n', body: 'Sí, envíen el contrato.' },
  { name: 'apple-it', subject: 'Fwd: Re: Prezzo', text: 'Inizio messaggio inoltrato:\n\n> Da: {from}\n> Oggetto: Re: Prezzo\n> Data: 30 novembre 2026 10:15:08 CET\n> A: Ana <{ana}>\n>\n> {body}\n', body: 'Sì, inviate il contratto.' },
  { name: 'apple-pt', subject: 'Fwd: Re: Preço', text: 'Início da mensagem reencaminhada:\n\n> De: {from}\n> Assunto: Re: Preço\n> Data: 30 de novembro de 2026 às 10:15:08 CET\n> Para: Ana <{ana}>\n>\n> {body}\n', body: 'Sim, enviem-nos o contrato.' },
  { name: 'thunderbird-de', subject: 'Fwd: Re: Preis', text: '-------- Weitergeleitete Nachricht --------\nBetreff: \tRe: Preis\nDatum: \tMon, 30 Nov 2026 10:15:08 +0100\nVon: \t{from}\nAn: \tAna <{ana}>\n\n{body}\n', body: 'Ja, bitte den Vertrag.' },
  { name: 'thunderbird-fr', subject: 'Fwd: Re: Prix', text: '-------- Message transféré --------\nSujet : \tRe: Prix\nDate : \tMon, 30 Nov 2026 10:15:08 +0100\nDe : \t{from}\nPour : \tAna <{ana}>\n\n{body}\n', body: 'Oui, le contrat svp.' },
  { name: 'thunderbird-es', subject: 'Fwd: Re: Precio', text: '-------- Mensaje reenviado --------\nAsunto: \tRe: Precio\nFecha: \tMon, 30 Nov 2026 10:15:08 +0100\nDe: \t{from}\nPara: \tAna <{ana}>\n\n{body}\n', body: 'Sí, el contrato por favor.' },
  { name: 'thunderbird-it', subject: 'Fwd: Re: Prezzo', text: '-------- Messaggio Inoltrato --------\nOggetto: \tRe: Prezzo\nData: \tMon, 30 Nov 2026 10:15:08 +0100\nMittente: \t{from}\nA: \tAna <{ana}>\n\n{body}\n', body: 'Sì, il contratto per favore.' },
  { name: 'thunderbird-pt', subject: 'Fwd: Re: Preço', text: '-------- Mensagem encaminhada --------\nAssunto: \tRe: Preço\nData: \tMon, 30 Nov 2026 10:15:08 +0100\nDe: \t{from}\nPara: \tAna <{ana}>\n\n{body}\n', body: 'Sim, o contrato por favor.' },
  { name: 'thunderbird-pl', subject: 'Fwd: Re: Cena', text: '-------- Przekazana wiadomość --------\nTemat: \tRe: Cena\nData: \tMon, 30 Nov 2026 10:15:08 +0100\nOd: \t{from}\nDo: \tAna <{ana}>\n\n{body}\n', body: 'Tak, poprosimy umowę.' },
];

/** Ana forwards a day and a half after the reply came, from CET: not the original's time. */
const FORWARD_DATE = 'Tue, 01 Dec 2026 22:40:00 +0100';

/** The quoted instant of a case: 10:15 CET, with the seconds when its Date line has them. */
function quotedInstant(c: Case): string {
  return /10:15:08/.test(c.text ?? c.html ?? '') ? '2026-11-30T09:15:08.000Z' : '2026-11-30T09:15:00.000Z';
}

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? `{${k}}`);
}

describe('forwarding address: the clients and languages', () => {
  it('logs the original reply of each client and language on its sender, not on the Cc', { timeout: 120_000 }, async () => {
    fx = await createInboundFixture('fwd-clients');
    const { s, domain } = fx;
    const ana = await s.users.add({ email: `ana@${domain}`, name: 'Ana' });
    const fwd = await fx.fwdAddress();
    const inbound = await fx.start();

    for (const c of CASES) {
      const fromAddress = `bob-${c.name}@client.test`;
      const vars = { from: `Bob ${c.name} <${fromAddress}>`, fromName: `Bob ${c.name}`, fromAddress, ana: `ana@${domain}`, name: c.name, body: c.body };
      const sent = await fx.send(inbound.port, {
        from: `Ana <ana@${domain}>`,
        to: fwd,
        subject: c.subject,
        ...(c.text ? { text: fill(c.text, vars) } : {}),
        ...(c.html ? { html: fill(c.html, vars) } : {}),
        messageId: `<fwd-${c.name}-${Date.now()}@${domain}>`,
        date: FORWARD_DATE,
      });
      expect(sent.accepted, c.name).toEqual([fwd]);
    }
    await fx.waitDecided(CASES.length);

    const rows = await fx.inboundRows();
    expect(rows.map((r) => [r.reason_code, r.detail?.includes('original from') ? 'parsed' : r.detail])).toEqual(CASES.map(() => ['logged', 'parsed']));
    for (const [i, c] of CASES.entries()) {
      const row = rows[i]!;
      const email = await s.emails.get(row.email_id!);
      expect(email, c.name).toMatchObject({ source: 'forward', direction: 'inbound', fromAddress: `bob-${c.name}@client.test`, fromName: `Bob ${c.name}`, threadOwnerUserId: ana.id });
      expect(email!.textBody, c.name).toContain(c.body);
      expect(email!.textBody, c.name).not.toContain('Forwarded');
      // The forward's HTML part gives the original's HTML, cut below the forward header; a text-only
      // forward logs text only.
      if (c.html) {
        expect(email!.htmlBody, c.name).toContain(c.body);
        expect(email!.htmlBody, c.name).not.toContain('Forwarded message');
        expect(email!.htmlBody, c.name).not.toMatch(/\b(From|Von):/);
        expect(email!.htmlBody, c.name).not.toContain(`bob-${c.name}@client.test`);
        expect(email!.htmlBody, c.name).not.toMatch(/FYI|Logging this/);
      } else {
        expect(email!.htmlBody, c.name).toBeNull();
      }
      expect(email!.subject, c.name).toMatch(/(Pric|Prijs|Preis|Prix|Precio|Preço|Prezzo|Cena|Price)/);
      // Text only: read from the text part; a text part without the header: from the HTML part (an
      // HTML-only message is read from mailparser's text of it, or from the HTML when that has no address).
      if (!c.html) expect(row.detail, c.name).toContain('forward header in the text part');
      if (c.html && c.text) expect(row.detail, c.name).toContain('forward header in the html part');
      const contact = await s.contacts.findByEmail(`bob-${c.name}@client.test`);
      expect(contact, c.name).toMatchObject({ ownerUserId: ana.id, marketing: false, name: `Bob ${c.name}` });
      const links = await fx.db.sql<{ target_id: string }[]>`SELECT target_id FROM email_associations WHERE email_id = ${email!.id} AND kind = 'contact'`;
      expect(links.map((l) => l.target_id), c.name).toEqual([contact!.id]);
      expect(await s.contacts.findByEmail(`carol-${c.name}@client.test`), c.name).toBeNull();
      // The quoted Date, localised or not, is the original's sent time (Polish Thunderbird's too, whose
      // Date line sits above where the forward parser starts its header); a zone-less one is read in the
      // forward's zone and the detail says so.
      expect(email!.sentAt?.toISOString(), c.name).toBe(quotedInstant(c));
      expect(row.detail, c.name).not.toContain('could not be read');
      const zoned = /(CET|MEZ|UTC\+1|\+0100)\n/.test(c.text ?? c.html ?? '');
      if (zoned) expect(row.detail, c.name).not.toContain('names no zone');
      else expect(row.detail, c.name).toContain("the quoted date names no zone: read in the forward's zone, UTC+01:00");
    }
  });
});
