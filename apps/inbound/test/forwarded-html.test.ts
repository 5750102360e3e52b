// The original message's HTML cut from a forward's HTML part, for each client's forward format (shaped
// after what Gmail, Outlook on the web, Outlook desktop, Apple Mail and Thunderbird write): the original's
// paragraphs, links and formatting are kept; the forward header and the forwarder's own note are not. A part
// with no known forward container, a hostile one (deep nesting) or a huge one gives null, quickly.
import { describe, expect, it } from 'vitest';
import { forwardedOriginalHtml, matchingOriginalHtml } from '../src/forwarded-html';

const NOTE = 'Logging this for the CRM.';

/** The original reply, as its sender's client wrote it. */
const ORIGINAL = '<p>Hi Ana,</p><p>The price works for us. <b>Send the contract</b> to <a href="https://client.test/legal">our legal team</a>.</p><p>Bob</p>';

const GMAIL =
  `<div dir="ltr"><div>${NOTE}</div><br><div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>` +
  'From: <strong class="gmail_sendername" dir="auto">Bob Client</strong> <span dir="auto">&lt;<a href="mailto:bob@client.test">bob@client.test</a>&gt;</span><br>' +
  'Date: Mon, 30 Nov 2026 at 10:15<br>Subject: Re: Pricing<br>To: Ana &lt;<a href="mailto:ana@seller.test">ana@seller.test</a>&gt;<br></div><br><br>' +
  `<div dir="ltr">${ORIGINAL}</div><br>` +
  // The original's own quote of the message it answers: a gmail_quote too, kept as part of the original.
  '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Sun, 29 Nov 2026 at 09:00, Ana &lt;<a href="mailto:ana@seller.test">ana@seller.test</a>&gt; wrote:<br></div>' +
  '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex"><div dir="ltr">Here is our price.</div></blockquote></div>' +
  '</div></div>\n';

const OUTLOOK_HEADER = (from: string, sent: string) =>
  `<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000"><b>From:</b> ${from}<br><b>Sent:</b> ${sent}<br><b>To:</b> Ana &lt;ana@seller.test&gt;<br><b>Subject:</b> RE: Pricing</font><div>&nbsp;</div></div>`;

const OUTLOOK_WEB =
  '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} </style></head>' +
  `<body dir="ltr"><div class="elementToProof" style="font-family: Aptos, Calibri, Helvetica, sans-serif; font-size: 12pt; color: rgb(0, 0, 0);">${NOTE}</div>` +
  '<div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1">' +
  OUTLOOK_HEADER('Bob Client &lt;bob@client.test&gt;', 'Monday, November 30, 2026 10:15 AM') +
  `<div dir="ltr">${ORIGINAL}` +
  // Outlook quotes a reply's thread with the same header div: the forward's is the first.
  '<hr style="display:inline-block;width:98%">' +
  OUTLOOK_HEADER('Ana &lt;ana@seller.test&gt;', 'Sunday, November 29, 2026 9:00 AM') +
  '<div>Here is our price.</div></div></body></html>';

const OUTLOOK_DESKTOP =
  '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">' +
  '<head><meta http-equiv=Content-Type content="text/html; charset=utf-8"><meta name=Generator content="Microsoft Word 15 (filtered medium)"><style><!--\n' +
  'p.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0cm;font-size:11.0pt;font-family:"Calibri",sans-serif;}\n' +
  '--></style><!--[if gte mso 9]><xml><o:shapedefaults v:ext="edit" spidmax="1026" /></xml><![endif]--></head>' +
  `<body lang=EN-US link="#0563C1" vlink="#954F72" style='word-wrap:break-word'><div class=WordSection1><p class=MsoNormal>${NOTE}<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p>` +
  "<div><div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'><p class=MsoNormal><b>From:</b> Bob Client &lt;bob@client.test&gt; <br>" +
  '<b>Sent:</b> Monday, November 30, 2026 10:15 AM<br><b>To:</b> Ana &lt;ana@seller.test&gt;<br><b>Subject:</b> RE: Pricing<o:p></o:p></p></div></div>' +
  '<p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>Hi Ana,<o:p></o:p></p>' +
  '<p class=MsoNormal>The price works for us. <b>Send the contract</b> to <a href="https://client.test/legal">our legal team</a>.<o:p></o:p></p>' +
  '<p class=MsoNormal>Bob<o:p></o:p></p></div></body></html>';

const APPLE_LINE = (label: string, value: string) =>
  '<div style="margin-top: 0px; margin-right: 0px; margin-bottom: 0px; margin-left: 0px;"><span style="font-family: -webkit-system-font, Helvetica Neue, Helvetica, sans-serif; color:rgba(0, 0, 0, 1.0);">' +
  `<b>${label}: </b></span><span style="font-family: -webkit-system-font, Helvetica Neue, Helvetica, sans-serif;">${value}<br></span></div>`;

const APPLE_MAIL =
  '<html aria-label="message body"><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>' +
  `<body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; line-break: after-white-space;">${NOTE}<br id="lineBreakAtBeginningOfMessage"><div><br>` +
  '<blockquote type="cite"><div>Begin forwarded message:</div><br class="Apple-interchange-newline">' +
  APPLE_LINE('From', 'Bob Client &lt;<a href="mailto:bob@client.test">bob@client.test</a>&gt;') +
  APPLE_LINE('Subject', '<b>Re: Price</b>') +
  APPLE_LINE('Date', '30 November 2026 at 10:15:08 CET') +
  APPLE_LINE('To', 'Ana &lt;<a href="mailto:ana@seller.test">ana@seller.test</a>&gt;') +
  `<br><div><div dir="ltr">${ORIGINAL}</div></div></blockquote></div><br></body></html>`;

const THUNDERBIRD = `<!DOCTYPE html>
<html>
  <head>
    <meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
  </head>
  <body>
    <p>${NOTE}</p>
    <div class="moz-forward-container"><br>
      <br>
      -------- Forwarded Message --------
      <table class="moz-email-headers-table" cellspacing="0" cellpadding="0" border="0">
        <tbody>
          <tr>
            <th valign="BASELINE" nowrap="nowrap" align="RIGHT">Subject:
            </th>
            <td>Re: Price</td>
          </tr>
          <tr>
            <th valign="BASELINE" nowrap="nowrap" align="RIGHT">Date: </th>
            <td>Mon, 30 Nov 2026 10:15:08 +0100</td>
          </tr>
          <tr>
            <th valign="BASELINE" nowrap="nowrap" align="RIGHT">From: </th>
            <td>Bob Client <a class="moz-txt-link-rfc2396E" href="mailto:bob@client.test">&lt;bob@client.test&gt;</a></td>
          </tr>
          <tr>
            <th valign="BASELINE" nowrap="nowrap" align="RIGHT">To: </th>
            <td>Ana <a class="moz-txt-link-rfc2396E" href="mailto:ana@seller.test">&lt;ana@seller.test&gt;</a></td>
          </tr>
        </tbody>
      </table>
      <br>
      <br>
      <meta http-equiv="content-type" content="text/html; charset=UTF-8">
      ${ORIGINAL}
    </div>
  </body>
</html>
`;

/** What of each forward's header must not be in the cut: the original's own quoted thread may hold a "Subject:". */
const CLIENTS: { name: string; html: string; header: string[] }[] = [
  { name: 'gmail', html: GMAIL, header: ['Forwarded message', 'gmail_quote_container', 'Date: Mon, 30 Nov', 'Subject'] },
  { name: 'outlook web', html: OUTLOOK_WEB, header: ['Monday, November 30', 'elementToProof'] },
  { name: 'outlook desktop', html: OUTLOOK_DESKTOP, header: ['Monday, November 30', 'border-top', 'Subject'] },
  { name: 'outlook desktop (2010 border)', html: OUTLOOK_DESKTOP.replace('#E1E1E1', '#B5C4DF'), header: ['Monday, November 30', 'border-top', 'Subject'] },
  { name: 'apple mail', html: APPLE_MAIL, header: ['Begin forwarded message', '10:15:08', 'Subject'] },
  { name: 'thunderbird', html: THUNDERBIRD, header: ['Forwarded Message', 'moz-email-headers-table', '10:15:08', 'Subject'] },
];

describe("a forward's HTML part: the original's HTML", () => {
  for (const c of CLIENTS) {
    it(`${c.name}: keeps the original's paragraphs, link and bold, not the header or the note`, () => {
      const html = forwardedOriginalHtml(c.html);
      expect(html).not.toBeNull();
      expect(html).toContain('Hi Ana,');
      expect(html).toContain('<b>Send the contract</b>');
      expect(html).toContain('<a href="https://client.test/legal">our legal team</a>');
      expect(html).toMatch(/Bob(<o:p><\/o:p>)?<\/p>/);
      for (const line of c.header) expect(html).not.toContain(line);
      expect(html).not.toContain('bob@client.test');
      expect(html).not.toContain(NOTE);
      // Starts at the original, not at the blank lines and separators between it and the header.
      expect(html!.trimStart()).toMatch(/^<(div|p)\b/);
    });
  }

  it("gmail and outlook web: the original's own quoted thread stays with it", () => {
    expect(forwardedOriginalHtml(GMAIL)).toContain('Here is our price.');
    const outlook = forwardedOriginalHtml(OUTLOOK_WEB)!;
    expect(outlook).toContain('Sunday, November 29, 2026 9:00 AM');
    expect(outlook).toContain('Here is our price.');
  });

  it('keeps non-ASCII text as characters', () => {
    expect(forwardedOriginalHtml(GMAIL.replace('Hi Ana,', 'Grüße, Ana &amp; Co'))).toContain('Grüße, Ana &amp; Co');
  });

  it('gives null for a message with no forward container, a reply quote, or an original with no text', () => {
    expect(forwardedOriginalHtml(`<html><body>${ORIGINAL}</body></html>`)).toBeNull();
    expect(forwardedOriginalHtml('')).toBeNull();
    // Gmail's reply quote has a gmail_attr too, without the forward's dashed line.
    expect(forwardedOriginalHtml('<div class="gmail_quote"><div class="gmail_attr">On Sun, Ana wrote:</div><blockquote>Hi</blockquote></div>')).toBeNull();
    // One bold label in a quote is not Apple Mail's header.
    expect(forwardedOriginalHtml('<blockquote type="cite"><div><b>Note:</b> see below</div><div>Hi</div></blockquote>')).toBeNull();
    expect(forwardedOriginalHtml('<div class="moz-forward-container"><table class="moz-email-headers-table"><tr><td>From: Bob</td></tr></table><br>&nbsp;<p></p></div>')).toBeNull();
  });

  it('gives null, quickly and without throwing, for 100,000 nested divs', () => {
    const started = Date.now();
    const hostile = `<div class="gmail_quote"><div class="gmail_attr">----- Forwarded</div>${'<div>'.repeat(100_000)}deep${'</div>'.repeat(100_000)}</div>`;
    expect(forwardedOriginalHtml(hostile)).toBeNull();
    expect(forwardedOriginalHtml('<div>'.repeat(100_000))).toBeNull();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('gives null, quickly, for a part over 2 MB', () => {
    const started = Date.now();
    const huge = GMAIL.replace('Hi Ana,', `Hi Ana,${'<p>filler text</p>'.repeat(200_000)}`);
    expect(huge.length).toBeGreaterThan(3_000_000);
    expect(forwardedOriginalHtml(huge)).toBeNull();
    expect(Date.now() - started).toBeLessThan(200);
  });
});

describe("the original's HTML, checked against the original's text", () => {
  it('is kept when it holds the start of the text read from the forward, spacing and case aside', () => {
    expect(matchingOriginalHtml(OUTLOOK_DESKTOP, 'Hi Ana,\n\nThe price works for us. Send the contract to our legal team.')).toContain('<b>Send the contract</b>');
    expect(matchingOriginalHtml(THUNDERBIRD, 'HI ANA,\nThe price   works for us.')).toContain('Hi Ana,');
  });

  it('is dropped when the text read is another message, or empty', () => {
    expect(matchingOriginalHtml(GMAIL, 'Something else entirely, from another part.')).toBeNull();
    expect(matchingOriginalHtml(GMAIL, '  \n ')).toBeNull();
  });
});
