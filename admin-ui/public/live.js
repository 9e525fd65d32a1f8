/* global document, fetch, DOMParser, setInterval, window */
// The encounter page follows its encounter: every 2 s it asks what changed and, when the status or the
// timeline moved, swaps in the fresh state, actions and timeline. Without JavaScript the page still works.
(function () {
  const live = document.getElementById('live');
  if (!live) return;
  const swap = (doc, id) => {
    const now = document.getElementById(id);
    const next = doc.getElementById(id);
    // Never pull a form from under someone typing in it.
    if (now && next && !now.contains(document.activeElement)) now.replaceWith(next);
  };
  const tick = async () => {
    try {
      const res = await fetch(live.dataset.liveUrl, {
        headers: { accept: 'application/json', 'x-vardmote-poll': '1' },
      });
      if (!res.ok) return;
      const s = await res.json();
      // Someone is waiting (waiting-alert.js): banner, tab title and sound, on every poll.
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
    } catch {
      // A missed poll is fine; the next one tries again.
    }
  };
  setInterval(tick, 2000);
})();
