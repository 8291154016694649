'use strict';
// The same raw Engine.IO / Socket.IO requests sent to socket.io's own server (socket.io 4.8.4, `new
// Server(httpServer)` with default options, in this process) and to peerlink-hub: the same HTTP status codes, the
// same JSON error codes, the same open-packet keys, the same CONNECT answers. Differences in the readable messages
// and headers are printed (as "# note"), not failed: clients act on the codes.

const assert = require('node:assert/strict');
const http = require('node:http');
const h = require('./lib/harness');

const { Server } = h.dep('socket.io');
const WebSocket = h.dep('ws');

async function startReference() {
  const httpServer = http.createServer();
  const io = new Server(httpServer); // default options, as a socket.io user starts it
  await new Promise((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  return {
    port: httpServer.address().port,
    stop: () => new Promise((resolve) => { io.close(); httpServer.close(() => resolve()); }),
  };
}

const json = (body) => { try { return JSON.parse(body); } catch { return undefined; } };
const SID = 'AAAAAAAAAAAAAAAAAAAA';

// name -> (port) => response
const probes = {
  'unknown sid (GET)': (port) => h.request(port, { path: h.eioPath(`EIO=4&transport=polling&sid=${SID}`) }),
  'unknown sid (POST)': (port) => h.request(port, { method: 'POST', path: h.eioPath(`EIO=4&transport=polling&sid=${SID}`), body: '40', headers: { 'Content-Type': 'text/plain;charset=UTF-8' } }),
  'bad transport': (port) => h.request(port, { path: h.eioPath('EIO=4&transport=carrier-pigeon') }),
  'no transport': (port) => h.request(port, { path: h.eioPath('EIO=4') }),
  'EIO=3': (port) => h.request(port, { path: h.eioPath('EIO=3&transport=polling') }),
  'EIO=5': (port) => h.request(port, { path: h.eioPath('EIO=5&transport=polling') }),
  'no EIO': (port) => h.request(port, { path: h.eioPath('transport=polling') }),
  'handshake with PUT': (port) => h.request(port, { method: 'PUT', path: h.eioPath('EIO=4&transport=polling') }),
  'handshake with POST': (port) => h.request(port, { method: 'POST', path: h.eioPath('EIO=4&transport=polling'), body: '40' }),
  'websocket transport without an upgrade': (port) => h.request(port, { path: h.eioPath('EIO=4&transport=websocket') }),
};

async function sameErrors(ctx) {
  const ref = await startReference();
  ctx.defer(() => ref.stop());
  const hub = await h.startHub();
  ctx.defer(() => hub.stop());
  const failures = [];
  for (const [name, probe] of Object.entries(probes)) {
    const [r, p] = [await probe(ref.port), await probe(hub.port)];
    const rj = json(r.body);
    const pj = json(p.body);
    const line = `${name}: socket.io ${r.status} ${r.body} | PeerLink ${p.status ?? p.error} ${p.body ?? ''}`;
    if (r.status !== p.status || !rj || !pj || rj.code !== pj.code) {
      failures.push(line);
      continue;
    }
    if (rj.message !== pj.message) ctx.log(`note: message differs: ${line}`);
    if (r.headers['content-type'] !== p.headers['content-type']) {
      ctx.log(`note: ${name}: Content-Type socket.io "${r.headers['content-type']}", PeerLink "${p.headers['content-type']}"`);
    }
  }
  assert.deepEqual(failures, [], 'answers that differ from socket.io\'s');
}

function wsOpenPacket(port) {
  return h.withTimeout(new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`);
    ws.once('message', (data) => { resolve(data.toString()); ws.close(); });
    ws.once('error', reject);
  }), 10000, 'the WebSocket open packet');
}

function checkOpen(name, open, upgrades) {
  assert.equal(typeof open.sid, 'string', `${name}: sid`);
  assert.equal(open.sid.length, 20, `${name}: sid of 20 characters: ${open.sid}`);
  assert.deepEqual(open.upgrades, upgrades, `${name}: upgrades`);
  for (const k of ['pingInterval', 'pingTimeout', 'maxPayload']) {
    assert.ok(Number.isInteger(open[k]) && open[k] > 0, `${name}: ${k} = ${open[k]}`);
  }
}

async function sameOpen(ctx) {
  const ref = await startReference();
  ctx.defer(() => ref.stop());
  const hub = await h.startHub({ args: ['--ping-interval', '25', '--ping-timeout', '20'] });
  ctx.defer(() => hub.stop());
  const [r, p] = [await h.handshake(ref.port), await h.handshake(hub.port)];
  assert.deepEqual(Object.keys(p.open).sort(), Object.keys(r.open).sort(), `open packet keys: ${p.res.body} vs ${r.res.body}`);
  checkOpen('socket.io polling', r.open, ['websocket']);
  checkOpen('PeerLink polling', p.open, ['websocket']);
  assert.equal(p.open.pingInterval, 25000, 'the hub\'s ping-interval in ms');
  assert.equal(p.open.pingTimeout, 20000, 'the hub\'s ping-timeout in ms');
  assert.equal(p.res.status, r.res.status);
  if (p.res.headers['content-type'] !== r.res.headers['content-type']) {
    ctx.log(`note: handshake Content-Type socket.io "${r.res.headers['content-type']}", PeerLink "${p.res.headers['content-type']}"`);
  }

  const [rw, pw] = [await wsOpenPacket(ref.port), await wsOpenPacket(hub.port)];
  assert.equal(pw[0], '0', `WebSocket open packet: ${pw}`);
  const [rwo, pwo] = [JSON.parse(rw.slice(1)), JSON.parse(pw.slice(1))];
  assert.deepEqual(Object.keys(pwo).sort(), Object.keys(rwo).sort(), `WebSocket open packet keys: ${pw} vs ${rw}`);
  checkOpen('socket.io websocket', rwo, []);
  checkOpen('PeerLink websocket', pwo, []);
}

/** handshake, POST @p body, GET: the packets the server answers with. */
async function connectAnswer(port, body) {
  const { sid } = await h.handshake(port);
  const posted = await h.post(port, sid, body);
  assert.equal(posted.status, 200, `POST ${body}: ${JSON.stringify(posted)}`);
  const got = await h.poll(port, sid, 10000);
  assert.equal(got.status, 200, `GET after ${body}: ${JSON.stringify(got)}`);
  return h.packets(got.body);
}

async function sameConnect(ctx) {
  const ref = await startReference();
  ctx.defer(() => ref.stop());
  const hub = await h.startHub();
  ctx.defer(() => hub.stop());
  // CONNECT to the main namespace: 40{"sid":...}.
  for (const [name, port] of [['socket.io', ref.port], ['PeerLink', hub.port]]) {
    const [first] = await connectAnswer(port, '40');
    assert.ok(first.startsWith('40{'), `${name}: ${first}`);
    const o = JSON.parse(first.slice(2));
    assert.deepEqual(Object.keys(o), ['sid'], `${name}: ${first}`);
    assert.equal(typeof o.sid, 'string');
  }
  // Another namespace: the same CONNECT_ERROR, byte for byte.
  const [r] = await connectAnswer(ref.port, '40/chat,');
  const [p] = await connectAnswer(hub.port, '40/chat,');
  assert.equal(p, r);
}

async function sameOverlap(ctx) {
  // A second GET while one waits: 400, and the session is closed (the waiting GET is answered, then the sid is
  // unknown).
  const ref = await startReference();
  ctx.defer(() => ref.stop());
  const hub = await h.startHub();
  ctx.defer(() => hub.stop());
  const seen = {};
  for (const [name, port] of [['socket.io', ref.port], ['PeerLink', hub.port]]) {
    const { sid } = await h.handshake(port);
    const first = h.poll(port, sid, 10000);
    // The first GET must be waiting before the second is sent: wait until the server has it (no packets are queued,
    // so it cannot be answered) by round-tripping a request on another connection.
    await h.request(port, { path: h.eioPath(`EIO=4&transport=polling&sid=${SID}`) });
    const second = await h.poll(port, sid, 10000);
    const one = await first;
    const after = await h.poll(port, sid, 10000);
    seen[name] = { second: second.status, first: one.status ?? one.error, firstBody: one.body, after: after.status, afterCode: json(after.body)?.code };
  }
  ctx.log(`overlapping GETs: ${JSON.stringify(seen)}`);
  assert.equal(seen.PeerLink.second, seen['socket.io'].second, 'the second GET');
  assert.equal(seen.PeerLink.after, seen['socket.io'].after, 'a GET after that');
  assert.equal(seen.PeerLink.afterCode, seen['socket.io'].afterCode, 'its error code');
}

async function sameUpgrade(ctx) {
  // The upgrade as socket.io-client does it: WebSocket with the sid, 2probe -> 3probe; a GET that comes after the
  // probe (socket.io-client's next poll) is answered with a noop (6) so that the client can pause polling and send
  // 5; then the session is on the WebSocket.
  const ref = await startReference();
  ctx.defer(() => ref.stop());
  const hub = await h.startHub();
  ctx.defer(() => hub.stop());
  const seen = {};
  for (const [name, port] of [['socket.io', ref.port], ['PeerLink', hub.port]]) {
    const { sid } = await connectOnly(port);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket&sid=${sid}`);
    ctx.defer(() => ws.terminate());
    const inbox = new h.Recorder(`${name} websocket`);
    ws.on('message', (d) => inbox.push(d.toString(), []));
    await h.withTimeout(new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); }), 10000, `${name}: the WebSocket`);
    ws.send('2probe');
    await inbox.next('3probe', () => true, 10000);
    const get = await h.poll(port, sid, 5000);
    seen[name] = `${get.status ?? get.error} ${get.body ?? ''}`;
    ws.send('5');
    // Now on the WebSocket: a CONNECT_ERROR for another namespace comes back on it.
    ws.send('40/chat,');
    await inbox.next('44/chat,{"message":"Invalid namespace"}', () => true, 10000);
  }
  ctx.log(`a GET after 3probe: ${JSON.stringify(seen)}`);
  assert.equal(seen.PeerLink, seen['socket.io'], 'a GET that comes after 3probe');
}

/** A polling session that has sent CONNECT (40) and got its answer. */
async function connectOnly(port) {
  const { sid } = await h.handshake(port);
  await h.post(port, sid, '40');
  const r = await h.poll(port, sid, 5000);
  assert.ok(r.status === 200 && r.body.startsWith('40{'), JSON.stringify(r));
  return { sid };
}

h.run([
  { name: 'same HTTP status and JSON error codes as socket.io for bad requests', fn: sameErrors },
  { name: 'same open packet (polling and WebSocket) as socket.io', fn: sameOpen },
  { name: 'same CONNECT and CONNECT_ERROR (other namespace) as socket.io', fn: sameConnect },
  { name: 'same handling of overlapping GETs as socket.io', fn: sameOverlap },
  { name: 'same upgrade: a GET after 3probe is answered with a noop', fn: sameUpgrade },
]);
