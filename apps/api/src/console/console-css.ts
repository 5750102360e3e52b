// The console's stylesheet, ours and plain: system fonts, contrast above WCAG AA, a visible focus ring,
// one column at phone width (390 px) with wide tables scrolling inside their own region.
export const CONSOLE_CSS = `
:root { --fg: #1b1f24; --muted: #4a5460; --bg: #ffffff; --line: #d3d9df; --accent: #0b57d0; --accent-fg: #ffffff;
  --ok-bg: #e6f4ea; --ok-fg: #0d5323; --bad-bg: #fce8e6; --bad-fg: #8c1d18; --warn-bg: #fef7e0; --warn-fg: #6b4e00; --focus: #e8710a; }
* { box-sizing: border-box; }
html { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; color: var(--fg); background: var(--bg); }
body { margin: 0; }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--accent); color: var(--accent-fg); padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: .5rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
nav.subnav ul { display: flex; flex-wrap: wrap; gap: 1rem; list-style: none; padding: 0; margin: 0 0 1rem; }
nav.subnav a[aria-current=page] { font-weight: 700; }
/* The brand and the menu on one row; the signed-in line beside them when it fits, else on a row of its own
   (still at the right), never cut: at 1280 px a Polish admin's line with an address is wider than what is left. */
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: .25rem 1.25rem; padding: .75rem 1.5rem; border-bottom: 1px solid var(--line); background: #f6f8fa; }
.brand { font-weight: 700; color: var(--fg); text-decoration: none; white-space: nowrap; }
header nav ul { display: flex; flex-wrap: nowrap; white-space: nowrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
header nav a { text-decoration: none; padding: .25rem 0; }
header nav a[aria-current="page"] { font-weight: 700; text-decoration: underline; text-underline-offset: .3em; }
.who { margin-left: auto; display: flex; flex-wrap: wrap; justify-content: flex-end; gap: .25rem .75rem; align-items: center; color: var(--muted); font-size: .9rem; min-width: 0; max-width: 100%; }
.who > span { overflow-wrap: anywhere; }
.who form { margin: 0; }
main { padding: 1rem 1.5rem 3rem; max-width: 80rem; }
main:focus { outline: none; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; word-break: break-word; }
h2 { font-size: 1.2rem; margin: 2rem 0 .75rem; }
form.stack { display: grid; gap: .9rem; max-width: 34rem; }
fieldset { border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem 1rem; margin: 0; display: grid; gap: .75rem; }
legend { font-weight: 600; padding: 0 .25rem; }
label { display: grid; gap: .25rem; font-weight: 600; }
label.inline { display: flex; align-items: center; gap: .5rem; font-weight: 400; }
.row { display: grid; grid-template-columns: 2fr 1fr 1.4fr; gap: .75rem; }
input, select, button { font: inherit; }
input[type="text"], input[type="email"], input[type="password"], input[type="number"], input[type="search"], select {
  padding: .5rem .6rem; border: 1px solid #8a949e; border-radius: 4px; background: #fff; color: var(--fg); width: 100%; min-width: 0; }
.hint { font-weight: 400; color: var(--muted); font-size: .9rem; }
button { cursor: pointer; border-radius: 4px; padding: .5rem 1rem; border: 1px solid var(--accent); background: var(--accent); color: var(--accent-fg); font-weight: 600; justify-self: start; }
button.secondary { background: #fff; color: var(--accent); }
button.link { background: none; border: none; color: var(--accent); padding: 0; text-decoration: underline; font-weight: 400; }
.filters { display: flex; flex-wrap: wrap; gap: .75rem 1.5rem; align-items: end; margin-bottom: 1rem; }
.filters label { min-width: 12rem; }
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; vertical-align: top; padding: .55rem .7rem; border-bottom: 1px solid var(--line); }
th { background: #f6f8fa; font-weight: 600; white-space: nowrap; }
tbody tr:last-child td { border-bottom: none; }
td.sentence { min-width: 18rem; }
.badge { display: inline-block; padding: .1rem .5rem; border-radius: 999px; font-size: .85rem; font-weight: 600; white-space: nowrap; }
.badge.connected, .badge.logged { background: var(--ok-bg); color: var(--ok-fg); }
.badge.disconnected, .badge.skipped { background: var(--bad-bg); color: var(--bad-fg); }
.badge.removed, .badge.recovered { background: #eceff1; color: #37474f; }
.detail, .muted { color: var(--muted); font-size: .9rem; }
.detail { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; word-break: break-word; }
.notice { border-radius: 6px; padding: .75rem 1rem; margin: 0 0 1rem; max-width: 48rem; }
.notice p { margin: .2rem 0; }
.notice.error { background: var(--bad-bg); color: var(--bad-fg); border: 1px solid #f2b8b5; }
.notice.ok { background: var(--ok-bg); color: var(--ok-fg); border: 1px solid #a8dab5; }
.notice .detail { color: inherit; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1.25rem; margin: 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; word-break: break-word; }
.oauth { display: flex; flex-wrap: wrap; gap: .75rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; word-break: break-all; }
iframe.email-body { width: 100%; min-height: 24rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
pre.email-text { white-space: pre-wrap; word-break: break-word; border: 1px solid var(--line); border-radius: 6px; padding: .75rem 1rem; font-size: .95rem; }
ol.entries { list-style: none; padding: 0; margin: 0; display: grid; gap: .75rem; }
ol.entries > li { border: 1px solid var(--line); border-radius: 6px; padding: .5rem 1rem; }
ol.entries p { margin: .25rem 0; }
ul.inline { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
nav.associations { margin: 0 0 1rem; }
ul.attachments { margin: .25rem 0; padding-left: 1.25rem; }
@media (max-width: 40rem) {
  header.top { padding: .6rem 1rem; flex-wrap: wrap; }
  header nav ul { flex-wrap: wrap; }
  .who { margin-left: 0; width: 100%; justify-content: space-between; }
  main { padding: .75rem 1rem 2rem; }
  .row { grid-template-columns: 1fr; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: .5rem; }
  h1 { font-size: 1.35rem; }
  /* A table of cards at phone width: each row a block, each cell with its column's name. */
  table.cards thead { position: absolute; left: -9999px; }
  table.cards tr { display: block; border-bottom: 1px solid var(--line); padding: .5rem 0; }
  table.cards tbody tr:last-child { border-bottom: none; }
  table.cards td { display: grid; grid-template-columns: 7.5rem 1fr; gap: .5rem; border: none; padding: .2rem .7rem; min-width: 0; }
  table.cards td .badge { justify-self: start; align-self: start; }
  table.cards td::before { content: attr(data-label); font-weight: 600; color: var(--muted); }
  table.cards td:empty { display: none; }
}
`;
