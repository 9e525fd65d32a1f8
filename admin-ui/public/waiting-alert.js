/* global document, fetch, setInterval, window */
// Someone is waiting (issue 27): keeps the live region's banners, prefixes the tab's title and beeps
// once for each patient who starts waiting. The worklist polls its own endpoint every 3 s; the
// encounter page's live.js hands over what its poll already brought.
(function () {
  const box = document.getElementById('waiting-alerts');
  if (!box) return;
  // The title without a prefix the server may have rendered, e.g. '(1) Patient väntar – Mina möten · Vårdmöte'.
  const baseTitle = document.title.replace(/^\(\d+\) [^–]* – /, '');
  const heard = new Set();

  // Browsers may refuse sound before the user has touched the page: then the banner and title must do.
  const beep = () => {
    try {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      const ctx = new Ctx();
      const tone = ctx.createOscillator();
      const gain = ctx.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.15;
      tone.connect(gain).connect(ctx.destination);
      tone.onended = () => void ctx.close().catch(() => undefined);
      tone.start();
      tone.stop(ctx.currentTime + 0.3);
      void ctx.resume().catch(() => undefined);
    } catch {
      // No sound this time.
    }
  };

  const show = (list, prefix) => {
    const key = list.map((a) => `${a.id}:${a.text}`).join('|');
    // Only a change is written into the live region, so a screen reader hears it once.
    if (box.dataset.key !== key) {
      box.replaceChildren(
        ...list.map((a) => {
          const p = document.createElement('p');
          p.className = 'waiting-alert';
          p.dataset.encounter = a.id;
          p.textContent = a.text;
          return p;
        }),
      );
      box.dataset.key = key;
    }
    document.title = prefix ? `${prefix} – ${baseTitle}` : baseTitle;
    const ids = new Set(list.map((a) => a.id));
    for (const item of document.querySelectorAll('.worklist-item'))
      item.classList.toggle('waiting', ids.has(item.dataset.encounter));
    const fresh = list.some((a) => !heard.has(a.id));
    // Forget who no longer waits, so a second wait beeps again.
    for (const id of heard) if (!ids.has(id)) heard.delete(id);
    for (const id of ids) heard.add(id);
    if (fresh) beep();
  };
  window.vardmoteWaiting = show;

  const url = box.dataset.pollUrl;
  if (!url) return;
  const tick = async () => {
    try {
      const res = await fetch(url, { headers: { accept: 'application/json', 'x-vardmote-poll': '1' } });
      if (!res.ok) return;
      const s = await res.json();
      show(s.waiting || [], s.titlePrefix || null);
    } catch {
      // A missed poll is fine; the next one tries again.
    }
  };
  void tick();
  setInterval(tick, 3000);
})();
