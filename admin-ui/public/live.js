/* global document, fetch, DOMParser, setInterval, window, EventSource */
// The encounter page follows its encounter: the server pushes a summary whenever the workflow writes a
// new state (server-sent events), and when the status or the timeline moved the page swaps in the fresh
// state, actions and timeline. Without EventSource it asks every 2 s; without JavaScript it still works.
(function () {
  const live = document.getElementById('live');
  if (!live) return;
  const swap = (doc, id) => {
    const now = document.getElementById(id);
    const next = doc.getElementById(id);
    // Never pull a form from under someone typing in it.
    if (now && next && !now.contains(document.activeElement)) now.replaceWith(next);
  };
  const apply = async (s) => {
    // Someone is waiting (waiting-alert.js): banner, tab title and sound.
    if (window.vardmoteWaiting) window.vardmoteWaiting(s.waiting || [], s.titlePrefix || null);
    const current = document.getElementById('live');
    if (s.status === current.dataset.status && String(s.events) === current.dataset.events) return;
    const page = await fetch(live.dataset.liveUrl.replace(/\/live$/, ''), { headers: { accept: 'text/html' } });
    if (!page.ok) return;
    const doc = new DOMParser().parseFromString(await page.text(), 'text/html');
    const label = () => document.getElementById('status-label')?.textContent;
    const before = label();
    for (const id of ['live', 'actions', 'live-timeline']) swap(doc, id);
    // #live was replaced, so a live region inside it would say nothing: the stable one says the new status.
    const said = document.getElementById('live-announce');
    if (said && label() && label() !== before) said.textContent = `Status: ${label()}`;
  };
  if (window.EventSource && live.dataset.eventsUrl) {
    // EventSource reconnects by itself; a refused reconnect (the login ended) closes it for good.
    const events = new EventSource(live.dataset.eventsUrl);
    events.onmessage = (e) => void apply(JSON.parse(e.data)).catch(() => undefined);
    window.vardmoteLive = 'events';
    return;
  }
  const tick = async () => {
    try {
      const res = await fetch(live.dataset.liveUrl, {
        headers: { accept: 'application/json', 'x-vardmote-poll': '1' },
      });
      if (res.ok) await apply(await res.json());
    } catch {
      // A missed poll is fine; the next one tries again.
    }
  };
  window.vardmoteLive = 'polling';
  setInterval(tick, 2000);
})();
