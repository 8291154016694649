'use strict';
// Hostile HTTP long-polling requests, sent raw to 127.0.0.1: unknown sid, an oversized POST, malformed packets, too
// many open polling sessions from one address, a polling session that stops polling (or stops reading), a WebSocket
// session deaf to pings, a non-allowed Origin. After the first ones, the hub must still serve a well-behaved
// socket.io client.

const assert = require('node:assert/strict');
const h = require('./lib/harness');

const WebSocket = h.dep('ws');
const json = (body) => { try { return JSON.parse(body); } catch { return undefined; } };

/** Two socket.io peers join and exchange a message: the hub still serves. */
async function stillServes(ctx, hub, tag) {
  assert.equal(hub.child.exitCode, null, `the hub exited: ${hub.output()}`);
  const a = h.sioConnect(hub.url, undefined, `${tag}-a`);
  const b = h.sioConnect(hub.url, undefined, `${tag}-b`);
  ctx.defer(() => a.disconnect());
  ctx.defer(() => b.disconnect());
  const wa = await h.emitWithAnswer(a, 'join', { id: `${tag}-a` });
  assert.equal(wa.type, 'welcome', JSON.stringify(wa));
  const wb = await h.emitWithAnswer(b, 'join', { id: `${tag}-b` });
  assert.equal(wb.type, 'welcome', JSON.stringify(wb));
  a.emit('message', { to: `${tag}-b`, text: 'still there?' });
  assert.equal((await b.events.first('message', (m) => m.text === 'still there?')).from, `${tag}-a`);
  a.disconnect();
  b.disconnect();
}

/** A raw polling session that is connected (40) and joined as @p id. */
async function rawJoined(port, id) {
  const { sid, open } = await h.handshake(port);
  let r = await h.post(port, sid, '40');
  assert.equal(r.status, 200, `POST 40: ${JSON.stringify(r)}`);
  r = await h.poll(port, sid);
  assert.ok(r.status === 200 && r.body.startsWith('40{'), `CONNECT answer: ${JSON.stringify(r)}`);
  r = await h.post(port, sid, `42${JSON.stringify(['join', { id }])}`);
  assert.equal(r.status, 200, `POST join: ${JSON.stringify(r)}`);
  r = await h.poll(port, sid);
  assert.ok(r.status === 200 && r.body.startsWith('42["welcome"'), `join answer: ${JSON.stringify(r)}`);
  return { sid, open };
}

/**
 * GETs until the session shows it refused what it got: an error event, CONNECT_ERROR, DISCONNECT, a close packet,
 * or HTTP 400 (the session is gone). Returns what was seen; fails on a GET that times out.
 */
async function refusal(port, sid, what) {
  const seen = [];
  for (let i = 0; i < 4; ++i) {
    const r = await h.poll(port, sid, 8000);
    if (r.error) throw new Error(`${what}: GET ${r.error}; seen before: ${JSON.stringify(seen)}`);
    seen.push(`${r.status} ${r.body}`);
    if (r.status === 400) return seen;
    for (const p of h.packets(r.body)) {
      if (p.startsWith('42["error"') || p.startsWith('44') || p === '41' || p === '1') return seen;
    }
  }
  throw new Error(`${what}: no error or close in ${JSON.stringify(seen)}`);
}

async function unknownSid(ctx) {
  const hub = await h.startHub();
  ctx.defer(() => hub.stop());
  for (const method of ['GET', 'POST']) {
    const r = await h.request(hub.port, {
      method, path: h.eioPath('EIO=4&transport=polling&sid=nobody-has-this-sid'), body: method === 'POST' ? '40' : undefined,
    });
    assert.equal(r.status, 400, `${method}: ${JSON.stringify(r)}`);
    assert.deepEqual(json(r.body), { code: 1, message: 'Session ID unknown' }, `${method}: ${r.body}`);
  }
  // A sid that was real once: closed by the client (1), then unknown.
  const { sid } = await rawJoined(hub.port, 'closer');
  assert.equal((await h.post(hub.port, sid, '1')).status, 200);
  const gone = await h.poll(hub.port, sid, 8000);
  // The close may first be answered on the GET (a noop or close packet) before the sid is forgotten.
  const after = gone.status === 400 ? gone : await h.poll(hub.port, sid, 8000);
  assert.equal(after.status, 400, `after close: ${JSON.stringify(gone)} then ${JSON.stringify(after)}`);
  assert.equal(json(after.body)?.code, 1);
  await stillServes(ctx, hub, 'u');
}

async function oversized(ctx) {
  const hub = await h.startHub({ args: ['--max-message-bytes', '4096'] });
  ctx.defer(() => hub.stop());
  const { sid, open } = await rawJoined(hub.port, 'big');
  assert.ok(open.maxPayload > 0 && open.maxPayload < 1e6, `maxPayload: ${open.maxPayload}`);
  const body = `42${JSON.stringify(['message', 'x'.repeat(open.maxPayload)])}`;
  const r = await h.post(hub.port, sid, body);
  ctx.log(`POST of ${body.length} bytes over maxPayload ${open.maxPayload}: ${r.status ?? r.error} ${r.body ?? ''}`);
  assert.ok(r.status === 413 || r.status === 400, `POST over maxPayload: ${JSON.stringify(r)}`);
  // The session is closed.
  const seen = await refusal(hub.port, sid, 'after the oversized POST');
  const last = await h.poll(hub.port, sid, 8000);
  assert.equal(last.status, 400, `the session is still open after ${JSON.stringify(seen)}: ${JSON.stringify(last)}`);
  await stillServes(ctx, hub, 'o');
}

const MALFORMED = [
  '42[not json',
  '42["message"',
  '42"a string, not an array"',
  '42[]',
  '42[{"a":1},"x"]',
  '42{"type":"message"}',
  '4',
  '9',
  'x',
  '451-["message",{"_placeholder":true,"num":0}]',
  '461-1["message",{"_placeholder":true,"num":0}]',
  'bAQID',
  '',
];

async function malformed(ctx) {
  const hub = await h.startHub();
  ctx.defer(() => hub.stop());
  const outcomes = [];
  const failures = [];
  for (const [i, body] of MALFORMED.entries()) {
    const { sid } = await rawJoined(hub.port, `m${i}`);
    const r = await h.post(hub.port, sid, body);
    assert.ok(!r.error, `POST ${JSON.stringify(body)}: ${r.error}`);
    let seen;
    if (r.status === 400) {
      seen = [`POST 400 ${r.body}`];
    } else {
      assert.equal(r.status, 200, `POST ${JSON.stringify(body)}: ${JSON.stringify(r)}`);
      try {
        seen = await refusal(hub.port, sid, `after ${JSON.stringify(body)}`);
      } catch (err) {
        failures.push(`polling: ${err.message}`);
        outcomes.push(`${JSON.stringify(body)} -> nothing`);
        await h.post(hub.port, sid, '1');
        continue;
      }
    }
    outcomes.push(`${JSON.stringify(body)} -> ${seen.join(' / ')}`);
    if (seen.some((s) => s.includes('42["error"'))) {
      const errorEvent = h.packets(seen.at(-1).replace(/^\d+ /, '')).find((p) => p.startsWith('42["error"'));
      const [, e] = JSON.parse(errorEvent.slice(2));
      assert.equal(typeof e.code, 'string', `error event: ${errorEvent}`);
      if (body.startsWith('45') || body.startsWith('46') || body.startsWith('b')) {
        assert.equal(e.code, 'bad_message', `binary packets: ${errorEvent}`);
      }
    }
    await h.post(hub.port, sid, '1'); // done with it (it may be gone already)
  }
  ctx.log(`malformed packets:\n    ${outcomes.join('\n    ')}`);

  // The same over the WebSocket transport, plus a binary frame.
  const wsOutcomes = [];
  for (const [i, body] of [...MALFORMED, Buffer.from([1, 2, 3])].entries()) {
    const ws = new WebSocket(`ws://127.0.0.1:${hub.port}/socket.io/?EIO=4&transport=websocket`);
    ctx.defer(() => ws.terminate());
    const inbox = new h.Recorder(`raw websocket ${i}`);
    ws.on('message', (d) => {
      const t = d.toString();
      if (t.startsWith('0')) ws.send('40');
      else if (t.startsWith('40')) ws.send(`42${JSON.stringify(['join', { id: `w${i}` }])}`);
      else if (t.startsWith('42["welcome"')) ws.send(body);
      else inbox.push('packet', [t]);
    });
    ws.on('close', (code) => inbox.push('packet', [`(closed ${code})`]));
    ws.on('error', () => {});
    const name = JSON.stringify(Buffer.isBuffer(body) ? '<binary frame>' : body);
    try {
      const [p] = await inbox.next('packet', (t) => t.startsWith('42["error"') || t.startsWith('44') || t === '41' ||
        t === '1' || t.startsWith('(closed'), 8000);
      wsOutcomes.push(`${name} -> ${p}`);
    } catch (err) {
      failures.push(`websocket: after ${name}: ${err.message}`);
      wsOutcomes.push(`${name} -> nothing`);
    }
    ws.terminate();
  }
  ctx.log(`malformed packets over WebSocket:\n    ${wsOutcomes.join('\n    ')}`);
  try {
    await stillServes(ctx, hub, 'mal');
  } catch (err) {
    failures.push(`then a socket.io client: ${err.message}`);
  }
  assert.deepEqual(failures, [], 'malformed packets that got neither an error nor a close (or a client failing after them)');
}

async function tooManySessions(ctx) {
  const hub = await h.startHub({ args: ['--max-connections-per-address', '4'] });
  ctx.defer(() => hub.stop());
  const held = [];
  for (let i = 0; i < 4; ++i) held.push(await rawJoined(hub.port, `held${i}`));

  // A fifth raw session: refused with CONNECT_ERROR hub_full (at its handshake or at its CONNECT).
  const hs = await h.request(hub.port, { path: h.eioPath('EIO=4&transport=polling') });
  let packet;
  if (hs.status === 200 && hs.body.startsWith('0')) {
    const sid = JSON.parse(hs.body.slice(1)).sid;
    const r = await h.post(hub.port, sid, '40');
    assert.ok(r.status === 200 || r.status === 400, JSON.stringify(r));
    const g = await h.poll(hub.port, sid, 8000);
    packet = `${g.status} ${g.body}`;
    assert.equal(g.status, 200, `the fifth session's CONNECT answer: ${JSON.stringify(g)}`);
    const p = h.packets(g.body).find((x) => x.startsWith('44'));
    assert.ok(p, `no CONNECT_ERROR for the fifth session: ${packet}`);
    const err = JSON.parse(p.slice(2));
    assert.equal(err.data?.code, 'hub_full', `CONNECT_ERROR: ${p}`);
    assert.equal(typeof err.message, 'string');
  } else {
    packet = `${hs.status} ${hs.body}`;
    assert.fail(`the fifth handshake was not answered with an open packet (then 44 hub_full): ${packet}`);
  }
  ctx.log(`fifth raw session: ${packet}`);

  // A socket.io-client: connect_error with err.data.code.
  const s = h.sioConnect(hub.url, { reconnection: false }, 'sixth');
  ctx.defer(() => s.disconnect());
  const [err] = await s.events.next('@connect_error');
  assert.equal(err.data?.code, 'hub_full', `connect_error: ${err.message} ${JSON.stringify(err.data)}`);
  assert.equal(s.events.seen('@connect').length, 0);

  // One held session leaves: a new client gets in.
  const gone = held.pop();
  await h.post(hub.port, gone.sid, '41\x1e1');
  const t = h.sioConnect(hub.url, { reconnection: true }, 'later');
  ctx.defer(() => t.disconnect());
  t.on('connect', () => t.emit('join', { id: 'later' }));
  await t.events.next('@connect', () => true, 20000);
  assert.equal((await t.events.first('welcome')).id, 'later');
}

async function stopsPolling(ctx) {
  // A joined polling session that never GETs again is dropped after the ping timeout, and announced gone.
  const hub = await h.startHub({ args: ['--ping-interval', '1', '--ping-timeout', '2', '--reconnect-grace', '0'] });
  ctx.defer(() => hub.stop());
  const watcher = h.sioConnect(hub.url, { transports: ['websocket'] }, 'watcher');
  ctx.defer(() => watcher.disconnect());
  assert.equal((await h.emitWithAnswer(watcher, 'join', { id: 'watcher' })).type, 'welcome');
  const started = Date.now();
  const { sid } = await rawJoined(hub.port, 'lazy');
  await watcher.events.next('peer_connect', (id) => id === 'lazy');
  assert.equal(await watcher.events.first('peer_disconnect', (id) => id === 'lazy', 20000), 'lazy');
  const took = Date.now() - started;
  ctx.log(`the silent polling session was dropped after ${took} ms (ping interval 1 s, timeout 2 s)`);
  ctx.log(`hub: ${(await hub.waitOutput(/left: lazy \([^)]*\)/))[0]}`);
  assert.ok(took >= 1500, `dropped too early (${took} ms)`);
  const r = await h.poll(hub.port, sid, 8000);
  assert.equal(r.status, 400, `its sid after the drop: ${JSON.stringify(r)}`);
  // The watcher itself, on WebSocket, answers pings and stays.
  assert.equal(watcher.connected, true);
}

async function silentWebSocket(ctx) {
  // A WebSocket session that never answers the hub's pings (2) is dropped after interval + timeout.
  const hub = await h.startHub({ args: ['--ping-interval', '1', '--ping-timeout', '1', '--reconnect-grace', '0'] });
  ctx.defer(() => hub.stop());
  const watcher = h.sioConnect(hub.url, { transports: ['websocket'] }, 'watcher');
  ctx.defer(() => watcher.disconnect());
  assert.equal((await h.emitWithAnswer(watcher, 'join', { id: 'watcher' })).type, 'welcome');
  const ws = new WebSocket(`ws://127.0.0.1:${hub.port}/socket.io/?EIO=4&transport=websocket`);
  ctx.defer(() => ws.terminate());
  const inbox = new h.Recorder('deaf websocket');
  ws.on('message', (d) => {
    const t = d.toString();
    inbox.push(t[0], [t]);
    if (t.startsWith('0')) ws.send('40');
    if (t.startsWith('40')) ws.send(`42${JSON.stringify(['join', { id: 'deaf' }])}`);
  });
  ws.on('close', (code) => inbox.push('closed', [code]));
  await watcher.events.next('peer_connect', (id) => id === 'deaf');
  const started = Date.now();
  await inbox.next('2', () => true, 10000); // pinged, and never answers
  assert.equal(await watcher.events.first('peer_disconnect', (id) => id === 'deaf', 15000), 'deaf');
  ctx.log(`the deaf WebSocket session was dropped ${Date.now() - started} ms after its first ping`);
  const [line, why] = await hub.waitOutput(/left: deaf \(([^)]*)\)/);
  assert.match(why, /heartbeat/i, `why the deaf session left: ${line}`);
  await inbox.next('closed', () => true, 10000);
  assert.equal(watcher.connected, true, 'the watcher answers its pings and stays');
}

async function slowReader(ctx) {
  // A polling session that stops fetching while messages for it pile up is dropped as not reading once its queue
  // passes max-queued-bytes, well before the ping timeout (20 s here) would drop it.
  const hub = await h.startHub({ args: ['--max-queued-bytes', '65536', '--reconnect-grace', '0', '--rate', '0', '--byte-rate', '0'] });
  ctx.defer(() => hub.stop());
  const talker = h.sioConnect(hub.url, { transports: ['websocket'] }, 'talker');
  ctx.defer(() => talker.disconnect());
  assert.equal((await h.emitWithAnswer(talker, 'join', { id: 'talker' })).type, 'welcome');
  await rawJoined(hub.port, 'reader'); // joined, and never polls again
  await talker.events.next('peer_connect', (id) => id === 'reader');
  const started = Date.now();
  const text = 'y'.repeat(4000);
  for (let i = 0; i < 40 && talker.events.seen('peer_disconnect', (id) => id === 'reader').length === 0; ++i) {
    const answer = await h.emitWithAnswer(talker, 'message', { to: 'reader', text });
    if (answer.type !== 'ack') break; // the reader is gone: peer_unavailable
  }
  assert.equal(await talker.events.first('peer_disconnect', (id) => id === 'reader', 10000), 'reader');
  const took = Date.now() - started;
  ctx.log(`the polling session that stopped reading was dropped after ${took} ms`);
  assert.ok(took < 15000, `dropped by the ping timeout, not as a slow reader (${took} ms)`);
  // The hub's log says why ("left: reader (REASON)").
  const [line, why] = await hub.waitOutput(/left: reader \(([^)]*)\)/);
  ctx.log(`hub: ${line}`);
  assert.match(why, /not reading/, `why the reader left: ${line}`);
}

async function origins(ctx) {
  const good = 'http://good.example';
  const hub = await h.startHub({ args: ['--allowed-origins', good] });
  ctx.defer(() => hub.stop());
  const evil = await h.request(hub.port, { path: h.eioPath('EIO=4&transport=polling'), headers: { Origin: 'http://evil.example' } });
  assert.equal(evil.status, 403, JSON.stringify(evil));
  assert.deepEqual(json(evil.body), { code: 4, message: 'Forbidden' });
  assert.equal(evil.headers['access-control-allow-origin'], undefined, 'no CORS grant for a refused Origin');

  const ok = await h.request(hub.port, { path: h.eioPath('EIO=4&transport=polling'), headers: { Origin: good } });
  assert.equal(ok.status, 200, JSON.stringify(ok));
  assert.ok(ok.body.startsWith('0{'));
  assert.equal(ok.headers['access-control-allow-origin'], good);
  assert.equal(ok.headers['access-control-allow-credentials'], 'true');

  const pre = await h.request(hub.port, {
    method: 'OPTIONS', path: h.eioPath('EIO=4&transport=polling'),
    headers: { Origin: good, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
  });
  assert.equal(pre.status, 204, `preflight: ${JSON.stringify(pre)}`);
  assert.equal(pre.headers['access-control-allow-origin'], good);

  // The WebSocket transport with a non-allowed Origin is refused too.
  const status = await h.withTimeout(new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${hub.port}/socket.io/?EIO=4&transport=websocket`, { origin: 'http://evil.example' });
    ws.on('unexpected-response', (req, res) => { resolve(res.statusCode); req.destroy(); });
    ws.on('open', () => { resolve('open'); ws.close(); });
    ws.on('error', () => resolve('error'));
  }), 10000, 'the WebSocket refusal');
  assert.equal(status, 403, `WebSocket with a non-allowed Origin: ${status}`);
}

h.run([
  { name: 'unknown sid: 400, code 1', fn: unknownSid },
  { name: 'oversized POST: 413 and the session closed', fn: oversized },
  { name: 'malformed packets: an error or a close, and the hub serves others', fn: malformed },
  { name: 'too many polling sessions from one address: hub_full', fn: tooManySessions },
  { name: 'a polling session that stops polling is dropped', fn: stopsPolling },
  { name: 'a WebSocket session that does not answer pings is dropped', fn: silentWebSocket },
  { name: 'a polling session that stops reading is dropped as a slow reader', fn: slowReader },
  { name: 'a non-allowed Origin: 403', fn: origins },
]);
