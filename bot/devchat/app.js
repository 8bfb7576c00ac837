// cdtbot chat simulator. Speaks to the real /webhook/zalo with the JSON Zalo sends and reads what
// the bot sent from the sandbox sent log (/dev/api/messages). Message text only ever goes into the
// page through textContent: never innerHTML.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const NEW = '__new__';
  const ROLE_GROUPS = [
    ['resident', 'Người dân'],
    ['leader', 'Tổ trưởng'],
    ['deputy', 'Tổ phó'],
    ['approver', 'Phê duyệt (UBND xã/phường)'],
    ['officer', 'Cán bộ theo dõi'],
    ['member', 'Thành viên'],
    ['collaborator', 'Cộng tác viên'],
  ];
  const HINTS = {
    resident: 'Thử: bấm “Tham gia tổ” hoặc gõ “tham gia”',
    leader: 'Thử: gõ “báo cáo” để gửi báo cáo tháng',
    deputy: 'Tổ phó có thể gửi báo cáo thay tổ trưởng',
    approver: 'Yêu cầu tham gia/rời tổ sẽ đến đây để phê duyệt',
    officer: 'Nhóm nhận tổng hợp; gõ #baocao để xem tình hình',
    member: 'Thử: gõ “rời tổ” hoặc “trợ giúp”',
    collaborator: 'Thử: gõ “trợ giúp”',
  };
  const FIRST_NAMES = ['Nguyễn Thị Hương', 'Trần Văn Minh', 'Lê Thị Thảo', 'Phạm Văn Đức', 'Vũ Thị Yến', 'Đoàn Văn Khánh', 'Cao Thị Nhung'];

  const S = {
    cfg: null,
    offset: 0, // server clock minus browser clock (ms)
    people: [], // from the server
    residents: [], // created in this browser
    byId: new Map(),
    current: '',
    bot: new Map(), // id → bot messages
    seen: new Set(), // seqs
    watermark: 0,
    maxSeen: 0,
    mine: {}, // id → [{t, text, after, n, from}]
    n: 0,
    unread: new Map(),
    buttonsById: new Map(),
  };

  // ---------- helpers ----------
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  // linked fills node with text whose http(s) addresses are links, as Zalo shows them (the officer
  // page and the report form are opened this way); built from text nodes, never HTML.
  function linked(node, text) {
    const re = /https?:\/\/[^\s]+/g;
    let at = 0;
    for (const m of String(text || '').matchAll(re)) {
      node.append(document.createTextNode(text.slice(at, m.index)));
      const a = el('a', 'link', m[0]);
      a.href = m[0];
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      node.append(a);
      at = m.index + m[0].length;
    }
    node.append(document.createTextNode(String(text || '').slice(at)));
    return node;
  }
  function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }
  async function getJSON(url) {
    const r = await fetch(url, { cache: 'no-store' });
    if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
    return r.json();
  }
  function toast(text) {
    const t = $('toast');
    t.textContent = text;
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.hidden = true; }, 3500);
  }
  function randomDigits(n) {
    const a = new Uint8Array(n);
    crypto.getRandomValues(a);
    return Array.from(a, (b) => String(b % 10)).join('');
  }
  function msgID() { return 'sim-' + Date.now().toString(36) + '-' + randomDigits(8); }
  function serverNow() { return Date.now() + S.offset; }
  function storeKey() { return 'cdtbot-devchat:' + S.cfg.epoch; }
  function save() {
    try {
      localStorage.setItem(storeKey(), JSON.stringify({ residents: S.residents, mine: S.mine, n: S.n, current: S.current }));
    } catch (e) { /* private mode: the page still works, it just forgets on reload */ }
  }
  function load() {
    try {
      const v = JSON.parse(localStorage.getItem(storeKey()) || 'null');
      if (v) {
        S.residents = v.residents || [];
        S.mine = v.mine || {};
        S.n = v.n || 0;
        S.current = v.current || '';
      }
    } catch (e) { /* ignore a corrupt entry */ }
  }
  function initial(name) {
    const words = (name || '?').replace(/\[[^\]]*\]/g, '').trim().split(/\s+/);
    return (words[words.length - 1] || '?').charAt(0).toUpperCase();
  }
  function personLabel(p) {
    return p.kind === 'group' ? 'Nhóm: ' + p.name : p.name;
  }
  function roleLine(p) {
    if (p.role === 'resident') return 'Người dân (mã Zalo ' + p.id + ')';
    return [p.role_label, p.where].filter(Boolean).join(' · ');
  }

  // ---------- people ----------
  async function loadPeople(force) {
    const r = await getJSON('/dev/api/people');
    const sig = JSON.stringify(r.people) + S.residents.length;
    if (!force && sig === loadPeople.sig) return; // unchanged: keep the list (and its scroll) as it is
    loadPeople.sig = sig;
    S.people = r.people || [];
    const known = new Set(S.people.map((p) => p.id));
    S.byId = new Map();
    for (const p of S.people) S.byId.set(p.id, p);
    for (const p of S.residents) if (!known.has(p.id)) S.byId.set(p.id, p);
    renderPeople();
  }
  function groupsOf() {
    const out = ROLE_GROUPS.map(([role, label]) => ({ role, label, list: [] }));
    const idx = new Map(out.map((g, i) => [g.role, i]));
    for (const p of S.byId.values()) {
      const i = idx.has(p.role) ? idx.get(p.role) : idx.get('member');
      out[i].list.push(p);
    }
    return out;
  }
  function renderPeople() {
    const sel = $('who');
    const side = $('side-list');
    sel.replaceChildren();
    side.replaceChildren();
    const none = el('option', '', 'Chọn vai…');
    none.value = '';
    sel.append(none);
    for (const g of groupsOf()) {
      const og = el('optgroup');
      og.label = g.label;
      side.append(el('div', 'side-group', g.label));
      for (const p of g.list) {
        const o = el('option', '', personLabel(p) + (p.role_label && p.role !== 'resident' ? ' — ' + p.role_label : ''));
        o.value = p.id;
        og.append(o);
        side.append(personButton(p));
      }
      if (g.role === 'resident') {
        const o = el('option', '', '➕ Người dân mới');
        o.value = NEW;
        og.append(o);
        const b = el('button', 'person');
        b.type = 'button';
        b.dataset.id = NEW;
        const av = el('div', 'avatar', '+');
        const tx = el('div', 'p-text');
        tx.append(el('div', 'p-name', 'Người dân mới'), el('div', 'p-sub', 'Một người chưa có trong danh bạ'));
        b.append(av, tx);
        b.addEventListener('click', () => choose(NEW));
        side.append(b);
      }
      sel.append(og);
    }
    sel.value = S.byId.has(S.current) ? S.current : '';
    updateBadges();
  }
  function personButton(p) {
    const b = el('button', 'person' + (p.id === S.current ? ' on' : ''));
    b.type = 'button';
    b.dataset.id = p.id;
    const av = el('div', 'avatar' + (p.kind === 'group' ? ' group' : ''), p.kind === 'group' ? '👥' : initial(p.name));
    const tx = el('div', 'p-text');
    tx.append(el('div', 'p-name', personLabel(p)), el('div', 'p-sub', roleLine(p)));
    const badge = el('span', 'badge');
    badge.hidden = true;
    b.append(av, tx, badge);
    b.addEventListener('click', () => choose(p.id));
    return b;
  }
  function updateBadges() {
    for (const b of document.querySelectorAll('.person')) {
      const n = S.unread.get(b.dataset.id) || 0;
      const badge = b.querySelector('.badge');
      if (badge) {
        badge.textContent = String(n);
        badge.hidden = n === 0;
      }
      b.classList.toggle('on', b.dataset.id === S.current);
    }
    for (const o of $('who').querySelectorAll('option')) {
      const p = S.byId.get(o.value);
      if (!p) continue;
      const n = S.unread.get(p.id) || 0;
      o.textContent = (n ? '(' + n + ') ' : '') + personLabel(p) + (p.role_label && p.role !== 'resident' ? ' — ' + p.role_label : '');
    }
  }
  function newResident() {
    const k = S.residents.length + 1;
    const p = {
      id: '8' + randomDigits(18), kind: 'user', role: 'resident', role_label: 'Người dân',
      name: 'Người dân mới ' + k, share: FIRST_NAMES[(k - 1) % FIRST_NAMES.length], phone: '09' + randomDigits(8), where: '',
    };
    S.residents.push(p);
    S.byId.set(p.id, p);
    return p;
  }
  async function choose(id) {
    if (id === NEW) {
      const p = newResident();
      renderPeople();
      await choose(p.id);
      await send({ t: 'follow' }, followEvent(p));
      return;
    }
    S.current = S.byId.has(id) ? id : '';
    S.unread.delete(S.current);
    $('who').value = S.current;
    save();
    renderHeader();
    renderThread();
    updateBadges();
    $('text').focus({ preventScroll: true });
  }

  // ---------- header ----------
  function renderHeader() {
    const p = S.byId.get(S.current);
    const av = $('peer-avatar');
    const disabled = !p;
    $('text').disabled = disabled;
    $('send').disabled = disabled;
    $('photo').disabled = disabled || p.kind === 'group';
    if (!p) {
      $('peer-name').textContent = 'Tổ CNSCĐ';
      $('peer-sub').textContent = 'Official Account · mô phỏng';
      av.textContent = 'T';
      av.className = 'avatar';
      $('text').placeholder = 'Chọn vai trước…';
      return;
    }
    if (p.kind === 'group') {
      $('peer-name').textContent = p.name;
      $('peer-sub').textContent = 'Nhóm Zalo · ' + (HINTS.officer);
      av.textContent = '👥';
      av.className = 'avatar group';
      $('text').placeholder = 'Nhắn trong nhóm…';
    } else {
      $('peer-name').textContent = 'Tổ CNSCĐ · bạn là ' + p.name;
      $('peer-sub').textContent = roleLine(p) + ' — ' + (HINTS[p.role] || '');
      av.textContent = 'T';
      av.className = 'avatar';
      $('text').placeholder = 'Nhập tin nhắn…';
    }
  }

  // ---------- thread ----------
  // Order: bot messages by seq; what the person did goes after every message seen before it.
  function keyOf(item) { return item.seq !== undefined ? [item.seq, 0, 0] : [item.after, 1, item.n]; }
  function less(a, b) {
    for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i];
    return false;
  }
  function place(node, key) {
    const thread = $('thread');
    node.dataset.k = JSON.stringify(key);
    const near = thread.scrollHeight - thread.scrollTop - thread.clientHeight < 120;
    let before = null;
    for (let c = thread.lastElementChild; c; c = c.previousElementSibling) {
      if (!c.dataset.k) break;
      if (less(key, JSON.parse(c.dataset.k))) before = c; else break;
    }
    thread.insertBefore(node, before);
    if (near || !before) thread.scrollTop = thread.scrollHeight;
  }
  function renderThread() {
    const thread = $('thread');
    thread.replaceChildren();
    const p = S.byId.get(S.current);
    if (!p) {
      thread.append(intro());
      return;
    }
    const items = [...(S.bot.get(p.id) || []), ...(S.mine[p.id] || [])];
    items.sort((a, b) => (less(keyOf(a), keyOf(b)) ? -1 : less(keyOf(b), keyOf(a)) ? 1 : 0));
    for (const it of items) place(it.seq !== undefined ? botNode(it, p) : mineNode(it, p), keyOf(it));
    if (items.length === 0) {
      const hint = el('div', 'row note');
      hint.append(el('div', 'bubble', HINTS[p.role] || 'Gõ “trợ giúp” để xem bạn có thể làm gì.'));
      thread.append(hint);
    }
    thread.scrollTop = thread.scrollHeight;
  }
  function intro() {
    const box = el('div', 'intro');
    box.append(el('h1', '', 'Thử trò chuyện với Tổ CNSCĐ'));
    box.append(el('p', '', 'Trang này giả lập Zalo: bạn đóng vai một người trong danh bạ [DEMO] và nhắn với tài khoản Official Account. Tin bạn gửi đi qua đúng webhook mà Zalo gọi.'));
    const ol = el('ol');
    ol.append(
      el('li', '', 'Chọn “Người dân mới”, bấm “Tham gia tổ”, chọn xã/phường và tổ.'),
      el('li', '', 'Chuyển sang tổ trưởng để giới thiệu, rồi UBND xã/phường để phê duyệt.'),
      el('li', '', 'Là tổ trưởng, gõ “báo cáo” và trả lời từng câu.'),
      el('li', '', 'Mở “⏰ Chạy nhắc hạn lúc …” để xem nhắc hạn và tổng hợp gửi nhóm cán bộ.'));
    box.append(ol);
    const picks = el('div', 'picks');
    const pick = (label, id) => {
      const b = el('button', 'btn light', label);
      b.type = 'button';
      b.addEventListener('click', () => choose(id));
      picks.append(b);
    };
    pick('➕ Người dân mới', NEW);
    for (const role of ['leader', 'approver', 'officer']) {
      const p = S.people.find((x) => x.role === role);
      if (p) pick(personLabel(p) + ' (' + (p.kind === 'group' ? 'nhóm' : p.role_label) + ')', p.id);
    }
    box.append(picks);
    return box;
  }
  function botNode(m, p) {
    const row = el('div', 'row bot' + (m.bulk ? ' bulk' : ''));
    if (p.kind === 'group') row.append(el('div', 'from', 'Tổ CNSCĐ (OA)'));
    if (m.kind === 'text') {
      row.append(linked(el('div', 'bubble'), m.text));
    } else {
      const card = el('div', 'card');
      card.append(el('div', 'card-title', m.title));
      if (m.subtitle) card.append(el('div', 'card-sub', m.subtitle));
      const actions = el('div', 'card-actions');
      if (m.kind === 'info') {
        const b = el('button', 'tpl-btn', 'Chia sẻ thông tin');
        b.type = 'button';
        const form = shareForm(p);
        b.addEventListener('click', () => {
          form.hidden = !form.hidden;
          if (!form.hidden) form.querySelector('input').focus();
        });
        actions.append(b);
        card.append(actions, form);
      } else {
        for (const btn of m.buttons || []) {
          const b = el('button', 'tpl-btn', btn.title);
          b.type = 'button';
          b.addEventListener('click', () => tap(btn));
          actions.append(b);
        }
        card.append(actions);
      }
      row.append(card);
    }
    let meta = m.time || '';
    if (m.bulk) meta += ' · tin nhắc hạn/tổng hợp';
    const metaNode = el('div', 'meta', meta);
    if (m.status && m.status !== 'sent') {
      metaNode.textContent = meta + ' · không gửi được (' + m.status + (m.error ? ': ' + m.error : '') + ')';
      metaNode.className = 'meta bad';
    }
    row.append(metaNode);
    return row;
  }
  function shareForm(p) {
    const form = el('form', 'share-form');
    form.hidden = true;
    const name = el('input');
    name.placeholder = 'Họ và tên';
    name.value = p.share || (p.role === 'resident' ? '' : p.name) || '';
    name.setAttribute('aria-label', 'Họ và tên');
    name.className = 'share-name';
    const phone = el('input');
    phone.placeholder = 'Số điện thoại';
    phone.inputMode = 'tel';
    phone.value = p.phone || '';
    phone.setAttribute('aria-label', 'Số điện thoại');
    phone.className = 'share-phone';
    const actions = el('div', 'share-actions');
    const ok = el('button', 'btn share-ok', 'Chia sẻ');
    ok.type = 'submit';
    actions.append(ok);
    form.append(name, phone, actions);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const n = name.value.trim();
      const ph = phone.value.trim();
      if (!n || !ph) { toast('Nhập họ tên và số điện thoại'); return; }
      form.hidden = true;
      send({ t: 'info', text: '📇 Đã chia sẻ: ' + n + ', ' + ph }, submitInfoEvent(p, n, ph));
    });
    return form;
  }
  function mineNode(it, p) {
    if (it.t === 'note' || it.t === 'follow' || it.t === 'warn') {
      const row = el('div', 'row note' + (it.t === 'warn' ? ' warn' : ''));
      row.append(el('div', 'bubble', it.t === 'follow' ? 'Bạn đã quan tâm Official Account' : it.text));
      return row;
    }
    const row = el('div', 'row me');
    if (p.kind === 'group') row.append(el('div', 'from', it.from || 'Bạn'));
    row.append(el('div', 'bubble' + (it.t === 'tap' ? ' tap' : ''), it.t === 'tap' ? '👆 ' + it.text : it.text));
    return row;
  }
  function addMine(id, item) {
    item.after = S.maxSeen;
    item.n = ++S.n;
    (S.mine[id] = S.mine[id] || []).push(item);
    save();
    if (id === S.current) {
      const p = S.byId.get(id);
      const empty = $('thread').querySelector('.row.note:only-child');
      if (empty && !empty.dataset.k) empty.remove();
      place(mineNode(item, p), keyOf(item));
    }
  }
  function addBot(m, counting) {
    if (S.seen.has(m.seq)) return;
    S.seen.add(m.seq);
    S.maxSeen = Math.max(S.maxSeen, m.seq);
    (S.bot.get(m.to) || S.bot.set(m.to, []).get(m.to)).push(m);
    if (m.to === S.current) {
      const p = S.byId.get(m.to);
      const empty = $('thread').querySelector('.row.note:only-child');
      if (empty && !empty.dataset.k) empty.remove();
      place(botNode(m, p), keyOf(m));
    } else if (counting) {
      S.unread.set(m.to, (S.unread.get(m.to) || 0) + 1);
    }
  }

  // ---------- events (the JSON Zalo sends) ----------
  function base(name, p) {
    return { app_id: S.cfg.app_id, oa_id: S.cfg.oa_id, user_id_by_app: 'app-' + (p.sender || p.id), event_name: name, timestamp: String(serverNow()) };
  }
  function textEvent(p, text) {
    if (p.kind === 'group') {
      return Object.assign(base('user_send_group_text', p), { sender: { id: p.sender }, recipient: { id: p.id }, message: { text, msg_id: msgID() } });
    }
    return Object.assign(base('user_send_text', p), { sender: { id: p.id }, recipient: { id: S.cfg.oa_id }, message: { text, msg_id: msgID() } });
  }
  function imageEvent(p, url) {
    return Object.assign(base('user_send_image', p), {
      sender: { id: p.id }, recipient: { id: S.cfg.oa_id },
      message: { msg_id: msgID(), text: '', attachments: [{ type: 'image', payload: { url, thumbnail: url } }] },
    });
  }
  function submitInfoEvent(p, name, phone) {
    return Object.assign(base('user_submit_info', p), { sender: { id: p.id }, recipient: { id: S.cfg.oa_id }, info: { name, phone } });
  }
  function followEvent(p) {
    return Object.assign(base('follow', p), { follower: { id: p.id }, source: 'oa_profile' });
  }
  async function post(ev) {
    const body = JSON.stringify(ev);
    const headers = { 'Content-Type': 'application/json' };
    if (S.cfg.signed) {
      const r = await fetch('/dev/api/sign', { method: 'POST', headers, body });
      const s = await r.json();
      if (s.signature) headers['X-ZEvent-Signature'] = s.signature;
    }
    const r = await fetch('/webhook/zalo', { method: 'POST', headers, body });
    if (!r.ok) throw new Error('webhook trả lời HTTP ' + r.status);
  }
  async function send(item, ev) {
    const id = S.current;
    const p = S.byId.get(id);
    if (!p) return;
    if (p.kind === 'group') item.from = (S.byId.get(p.sender) || {}).name || 'Cán bộ (demo)';
    addMine(id, item);
    try {
      await post(ev);
    } catch (e) {
      addMine(id, { t: 'warn', text: '⚠️ Không gửi được: ' + e.message });
    }
  }
  function tap(btn) {
    const p = S.byId.get(S.current);
    if (!p) return;
    send({ t: 'tap', text: btn.title }, textEvent(p, btn.payload));
  }

  // ---------- reading what the bot sent ----------
  function have(w) {
    let n = 0;
    for (const s of S.seen) if (s > w) n++;
    return n;
  }
  async function poll() {
    let first = true;
    for (;;) {
      try {
        const q = first ? '&have=-1' : '&have=' + have(S.watermark) + '&wait=20';
        const r = await getJSON('/dev/api/messages?after=' + S.watermark + q);
        for (const m of r.messages) addBot(m, !first);
        S.watermark = r.watermark;
        $('conn').className = 'conn ok';
        if (!first || r.messages.length) updateBadges();
        first = false;
      } catch (e) {
        $('conn').className = 'conn bad';
        await sleep(1500);
      }
    }
  }

  // ---------- the clock ----------
  function renderClock() {
    const chips = $('chips');
    chips.replaceChildren();
    const sugg = S.cfg.suggestions || [];
    for (const s of sugg) {
      const c = el('button', 'chip', s.label);
      c.type = 'button';
      c.dataset.at = s.at;
      c.addEventListener('click', () => { $('at').value = s.at; });
      chips.append(c);
    }
    if (sugg.length) $('at').value = sugg[0].at;
  }
  async function runClock(e) {
    e.preventDefault();
    const at = $('at').value;
    if (!at) { toast('Chọn ngày giờ'); return; }
    $('run').disabled = true;
    try {
      const r = await fetch('/dev/api/remind?at=' + encodeURIComponent(at), { method: 'POST' });
      const body = await r.json();
      if (!r.ok) throw new Error(body.error || 'HTTP ' + r.status);
      const n = body.messages.length;
      let text = '⏰ Đã chạy nhắc hạn lúc ' + body.label + ': ' + (n ? n + ' tin được tạo.' : 'không có tin nào đến hạn (hoặc đã gửi ở lần chạy trước).');
      if (body.released) text += ' ' + body.released + ' tin chờ từ đêm trước đã được gửi.';
      if (body.waiting) text += ' ' + body.waiting + ' tin tạo lúc 21:00–07:00 chờ đến 07:00 mới gửi.';
      toast(text);
      if (S.current) addMine(S.current, { t: 'note', text });
      loadPeople().catch(() => {});
    } catch (err) {
      toast('Không chạy được: ' + err.message);
    } finally {
      $('run').disabled = false;
    }
  }

  // ---------- start ----------
  async function start() {
    S.cfg = await getJSON('/dev/api/config');
    S.offset = S.cfg.now_ms - Date.now();
    load();
    for (const p of S.residents) S.byId.set(p.id, p);
    await loadPeople();
    renderClock();
    $('who').addEventListener('change', (e) => choose(e.target.value));
    $('composer').addEventListener('submit', (e) => {
      e.preventDefault();
      const p = S.byId.get(S.current);
      const text = $('text').value.trim();
      if (!p || !text) return;
      $('text').value = '';
      send({ t: 'text', text }, textEvent(p, text));
    });
    $('photo').addEventListener('click', () => {
      const p = S.byId.get(S.current);
      if (!p || p.kind === 'group') return;
      const url = 'https://example.org/demo/anh-hoat-dong-' + randomDigits(4) + '.jpg';
      send({ t: 'image', text: '📷 Ảnh: ' + url }, imageEvent(p, url));
    });
    $('clock').addEventListener('submit', runClock);
    await choose(S.current);
    poll();
    setInterval(() => loadPeople().catch(() => {}), 30000);
  }
  start().catch((e) => {
    $('thread').replaceChildren(el('div', 'row note warn', 'Không tải được trang: ' + e.message));
  });
})();
