'use strict';
// The native protocol's rules and limits apply to socket.io peers (issue 18, part 3): id rule, password, banned ids
// and addresses, message size, message rate, the join time-out and the invalid-message budget. Error codes are the
// native ones (docs/protocol.md, "Errors"); a session the hub ends gets DISCONNECT, which socket.io-client reports
// as the reason "io server disconnect" (and does not reconnect).

const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('./lib/harness');

const WS = { transports: ['websocket'] };

async function connected(ctx, hub, label, opts = WS) {
  const s = h.sioConnect(hub.url, opts, label);
  ctx.defer(() => s.disconnect());
  await s.events.next('@connect');
  return s;
}

/** The error with @p code, whether it came to the callback (@p answer) or as an event. */
async function errorCode(s, answer, code) {
  if (answer && answer.type === 'error') return answer;
  return s.events.first('error', (e) => e && e.code === code);
}

async function joinRules(ctx) {
  const hub = await h.startHub({ args: ['--password', 's3cret'] });
  ctx.defer(() => hub.stop());
  const a = await connected(ctx, hub, 'a');
  const bad = await h.emitWithAnswer(a, 'join', { id: 'not an id!', password: 's3cret' });
  assert.equal(bad.type, 'error', JSON.stringify(bad));
  assert.equal(bad.code, 'invalid_id');
  assert.equal(a.connected, true, 'invalid_id counts as invalid, the connection stays');
  const ok = await h.emitWithAnswer(a, 'join', { id: 'a', password: 's3cret' });
  assert.equal(ok.type, 'welcome', JSON.stringify(ok));

  // No password: auth_failed, and the hub ends the session.
  const b = await connected(ctx, hub, 'b');
  const refused = await h.emitWithAnswer(b, 'join', { id: 'b' });
  assert.equal(refused.type, 'error', JSON.stringify(refused));
  assert.equal(refused.code, 'auth_failed');
  assert.equal((await b.events.next('@disconnect'))[0], 'io server disconnect');
  assert.equal(a.events.seen('peer_connect', (id) => id === 'b').length, 0);
}

async function bans(ctx) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peerlink-sio-ban-'));
  ctx.defer(() => fs.rmSync(dir, { recursive: true, force: true }));
  const banFile = path.join(dir, 'bans');
  fs.writeFileSync(banFile, 'id:evil\n');
  const hub = await h.startHub({ args: ['--ban-file', banFile] });
  ctx.defer(() => hub.stop());
  const e = await connected(ctx, hub, 'evil');
  const answer = await h.emitWithAnswer(e, 'join', { id: 'evil' });
  assert.equal(answer.type, 'error', JSON.stringify(answer));
  assert.equal(answer.code, 'banned');
  assert.equal((await e.events.next('@disconnect'))[0], 'io server disconnect');

  // The address itself banned: the session is refused before join, with CONNECT_ERROR banned.
  const addressBans = path.join(dir, 'address-bans');
  fs.writeFileSync(addressBans, '127.0.0.1\n');
  const hub2 = await h.startHub({ args: ['--ban-file', addressBans] });
  ctx.defer(() => hub2.stop());
  for (const opts of [undefined, WS]) {
    const s = h.sioConnect(hub2.url, { ...(opts || {}), reconnection: false }, 'banned address');
    ctx.defer(() => s.disconnect());
    const [err] = await s.events.next('@connect_error');
    assert.equal(err.data?.code, 'banned', `${JSON.stringify(opts)}: ${err.message} ${JSON.stringify(err.data)}`);
  }
}

async function tooLarge(ctx) {
  const hub = await h.startHub({ args: ['--max-message-bytes', '1024'] });
  ctx.defer(() => hub.stop());
  for (const [id, opts] of [['ws', WS], ['poll', { transports: ['polling'] }]]) {
    const s = await connected(ctx, hub, id, opts);
    assert.equal((await h.emitWithAnswer(s, 'join', { id })).type, 'welcome');
    const answer = await h.emitWithAnswer(s, 'message', 'x'.repeat(1500));
    const e = await errorCode(s, answer, 'too_large');
    assert.equal(e.code, 'too_large', `${id}: ${JSON.stringify(answer)}`);
    assert.equal((await s.events.next('@disconnect'))[0], 'io server disconnect', `${id}: closed after too_large`);
  }
}

async function rate(ctx) {
  const hub = await h.startHub({ args: ['--rate', '5', '--burst', '5'] });
  ctx.defer(() => hub.stop());
  const s = await connected(ctx, hub, 'fast');
  assert.equal((await h.emitWithAnswer(s, 'join', { id: 'fast' })).type, 'welcome');
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => h.emitWithAnswer(s, 'message', `m${i}`)));
  const acks = answers.filter((a) => a.type === 'ack').length;
  const limited = answers.filter((a) => a.type === 'error' && a.code === 'rate_limited').length;
  assert.equal(acks + limited, 20, JSON.stringify(answers));
  assert.ok(acks >= 5, `the burst of 5 goes through: ${acks} acks`);
  assert.ok(limited >= 1, `20 at once over a rate of 5/s: ${limited} rate_limited`);
  assert.equal(s.connected, true, 'rate_limited drops the message, not the peer');
}

async function joinTimeout(ctx) {
  const hub = await h.startHub({ args: ['--join-timeout', '1'] });
  ctx.defer(() => hub.stop());
  const s = h.sioConnect(hub.url, undefined, 'idle');
  ctx.defer(() => s.disconnect());
  await s.events.next('@connect');
  const e = await s.events.first('error', () => true, 10000);
  assert.equal(e.code, 'not_joined', JSON.stringify(e));
  assert.equal((await s.events.next('@disconnect', () => true, 10000))[0], 'io server disconnect');
}

async function invalidBudget(ctx) {
  const hub = await h.startHub({ args: ['--max-invalid', '3'] });
  ctx.defer(() => hub.stop());
  const s = await connected(ctx, hub, 'noisy', { transports: ['websocket'], reconnection: false });
  assert.equal((await h.emitWithAnswer(s, 'join', { id: 'noisy' })).type, 'welcome');
  for (let i = 0; i < 6; ++i) s.emit('no_such_event', { i });
  const [reason] = await s.events.next('@disconnect');
  const errors = s.events.seen('error').map((e) => e.args[0]);
  assert.ok(errors.some((e) => e && e.code === 'unknown_type'),
    `no unknown_type error before the session ended (${reason}): ${s.events.describe()}`);
  assert.ok(errors.length <= 4, `errors after the budget: ${s.events.describe()}`);
  assert.equal(reason, 'io server disconnect', `the session ended without DISCONNECT: ${s.events.describe()}`);
}

h.run([
  { name: 'join: invalid_id, password (auth_failed)', fn: joinRules },
  { name: 'banned id (at join) and banned address (CONNECT_ERROR)', fn: bans },
  { name: 'too_large, then the session ends (websocket and polling)', fn: tooLarge },
  { name: 'message rate: rate_limited beyond the burst', fn: rate },
  { name: 'join time-out: not_joined, then the session ends', fn: joinTimeout },
  { name: 'invalid-message budget: unknown_type, then the session ends', fn: invalidBudget },
]);
