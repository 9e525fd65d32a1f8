/* global document, window */
// The meeting's chat into the journal note (issue 26): the clinician's meeting page keeps the chat in
// this tab's sessionStorage when asked to ("Kopiera chatten till journalanteckningen"); here it is
// added to that encounter's note text once, and forgotten in the browser.
(function () {
  let store;
  try {
    store = window.sessionStorage;
  } catch {
    return;
  }
  for (const section of document.querySelectorAll('[data-encounter]')) {
    const key = `vardmote:chat:${section.getAttribute('data-encounter')}`;
    const chat = store.getItem(key);
    const note = section.querySelector('.note-form textarea[name=text]');
    if (!chat || !note) continue;
    note.value = `${note.value ? `${note.value}\n\n` : ''}Chatt under mötet:\n${chat}`;
    store.removeItem(key);
  }
})();
