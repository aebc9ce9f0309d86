// A lot's page, live: the countdown (from the server's time and end, moved when a late bid
// extends it) and the server-sent events of /public/lots/{id}/events — each new bid added to
// the history by bidder number, the best price, the next minimum (and the bid form's amount,
// unless the bidder typed their own), the end. The page works without this script.
(function () {
  'use strict';
  var live = document.getElementById('lot-live');
  if (!live) { return; }
  var d = live.dataset;
  var skew = Date.parse(d.now) - Date.now();
  var starts = Date.parse(d.starts);
  var ends = Date.parse(d.ends);
  var phase = d.phase;
  var seq = parseInt(d.seq, 10) || 0;
  var countdown = document.getElementById('lot-countdown');

  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function left(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var days = Math.floor(s / 86400);
    s = s % 86400;
    var t = pad(Math.floor(s / 3600)) + ':' + pad(Math.floor((s % 3600) / 60)) + ':' + pad(s % 60);
    return days > 0 ? days + d.labelDays + ' ' + t : t;
  }
  function tick() {
    if (!countdown) { return; }
    var now = Date.now() + skew;
    if (phase === 'closed') { countdown.textContent = ''; }
    else if (now < starts) { countdown.textContent = d.labelStart + ' ' + left(starts - now); }
    else if (now < ends) { countdown.textContent = d.labelEnd + ' ' + left(ends - now); }
    else { countdown.textContent = d.labelEnded; }
  }
  tick();
  setInterval(tick, 1000);
  if (phase === 'closed' || !window.EventSource) { return; }

  function set(id, text) {
    var el = document.getElementById(id);
    if (el && text !== null && text !== undefined) { el.textContent = text; }
  }
  function cell(row, text, cls) {
    var td = document.createElement('td');
    if (cls) { td.className = cls; }
    td.textContent = text;
    row.appendChild(td);
    return td;
  }
  function addRow(bid) {
    var body = document.querySelector('#lot-history tbody');
    if (!body || body.querySelector('tr[data-seq="' + bid.seq + '"]')) { return; }
    var row = document.createElement('tr');
    row.setAttribute('data-seq', String(bid.seq));
    cell(row, String(bid.seq));
    var who = cell(row, bid.number, 'mono');
    if (d.me && d.me === bid.number) {
      row.className = 'mine';
      var me = document.createElement('small');
      me.textContent = d.labelMe;
      who.appendChild(document.createTextNode(' '));
      who.appendChild(me);
    }
    cell(row, bid.amount, 'num');
    cell(row, bid.at_text);
    body.insertBefore(row, body.firstChild);
    var none = document.getElementById('lot-no-bids');
    if (none) { none.parentNode.removeChild(none); }
    var note = document.getElementById('lot-history-note');
    if (note && note.dataset.template) {
      note.textContent = note.dataset.template.replace('{n}', String(body.rows.length));
    }
  }
  function update(e) {
    var u;
    try { u = JSON.parse(e.data); } catch (x) { return; }
    if (u.bid) { addRow(u.bid); }
    seq = Math.max(seq, u.seq);
    ends = Date.parse(u.ends_at);
    set('lot-ends-at', u.ends_at_text);
    set('lot-best', u.best);
    set('lot-next-minimum', u.next_minimum);
    set('lot-bid-count', String(seq));
    var input = document.getElementById('lot-bid-amount');
    if (input) {
      if (input.value === input.getAttribute('data-suggested')) { input.value = u.next_minimum_typed; }
      input.setAttribute('data-suggested', u.next_minimum_typed);
    }
    tick();
    if (u.status !== 'open') {
      phase = 'closed';
      source.close();
      window.location.reload();
    }
  }
  var source = new EventSource('/public/lots/' + d.lot + '/events?after=' + seq);
  source.addEventListener('bid', update);
  source.addEventListener('lot', update);
})();
