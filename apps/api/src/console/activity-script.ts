// The Activity page's script (served as /console/assets/activity.js: the CSP allows only our own
// scripts): an EventSource on /console/activity/stream that adds each open or click to the live list as
// text (never markup), and shows a browser notification once the user has allowed them.
export const ACTIVITY_SCRIPT = `(() => {
  const list = document.getElementById('live');
  const status = document.getElementById('live-status');
  const button = document.getElementById('notify');
  if (!list || typeof EventSource === 'undefined') return;
  const fill = (template, e) => template.replace('{recipient}', e.recipient || list.dataset.someone).replace('{subject}', e.subject || '');
  const canNotify = typeof Notification !== 'undefined';
  const showPermission = () => {
    if (!canNotify || !button) return;
    button.hidden = Notification.permission !== 'default';
    if (Notification.permission === 'granted') status.textContent = list.dataset.notifyOn;
    if (Notification.permission === 'denied') status.textContent = list.dataset.notifyBlocked;
  };
  if (button && canNotify) button.addEventListener('click', () => Notification.requestPermission().then(showPermission));
  showPermission();
  const seen = new Set();
  const add = (message) => {
    if (seen.has(message.lastEventId)) return;
    seen.add(message.lastEventId);
    const e = JSON.parse(message.data);
    const text = fill(e.kind === 'open' ? list.dataset.opened : list.dataset.clicked, e);
    const item = document.createElement('li');
    const at = document.createElement('time');
    at.dateTime = e.at;
    at.textContent = new Date(e.at).toISOString().slice(11, 16) + ' UTC';
    item.append(at, ' ', text);
    list.prepend(item);
    while (list.children.length > 100) list.lastElementChild.remove();
    if (canNotify && Notification.permission === 'granted') new Notification(text, { tag: e.id });
  };
  const source = new EventSource('/console/activity/stream');
  source.addEventListener('email.opened', add);
  source.addEventListener('email.clicked', add);
})();
`;
