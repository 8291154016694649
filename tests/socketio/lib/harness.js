'use strict';
// What every socket.io test shares: a peerlink-hub of its own on 127.0.0.1 (port 0, a temporary data directory,
// stopped however the test ends), peerlink-cli as a native peer, socket.io-client sockets whose events are
// recorded so that a test waits for them (never a fixed sleep), raw HTTP for Engine.IO requests, and a tiny runner:
// each case is bounded in time and the script exits non-zero when one fails.
//
// Environment: PEERLINK_HUB_BIN and PEERLINK_CLI_BIN (CTest sets them from the targets), NODE_PATH pointing at the
// node_modules that `npm ci` installed from tests/socketio/package-lock.json into the build folder.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

/** A dependency from the lock file, or a clear failure saying how to install it. */
function dep(name) {
  try {
    return require(name);
  } catch (err) {
    if (err.code !== 'MODULE_NOT_FOUND') throw err;
    console.error(`socketio tests: the npm package "${name}" is not installed (NODE_PATH=${process.env.NODE_PATH || ''}).\n` +
      'Install the pinned packages with `npm ci` in the build folder: CTest runs it as the test socketio_npm_ci, ' +
      'which needs node, npm and the npm registry (or its cache).');
    process.exit(1);
  }
}

function binary(envName, fallback) {
  const p = process.env[envName] || fallback;
  if (!p || !fs.existsSync(p)) {
    console.error(`socketio tests: ${envName} is not set to an existing file (got "${p || ''}")`);
    process.exit(1);
  }
  return p;
}

const hubBin = () => binary('PEERLINK_HUB_BIN');
const cliBin = () => binary('PEERLINK_CLI_BIN');

// ---------------------------------------------------------------------------------------------- child processes

const children = new Set();
function killAll() {
  for (const c of children) {
    try { c.kill('SIGKILL'); } catch { /* gone */ }
  }
  children.clear();
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => { killAll(); process.exit(1); });
}

function track(child) {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/** Waits until @p child has exited (SIGTERM, then SIGKILL after @p graceMs). */
function stopChild(child, graceMs = 5000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => { clearTimeout(t); resolve(); });
    child.kill('SIGTERM');
  });
}

// ---------------------------------------------------------------------------------------------- waiting

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Everything an emitter delivered, in order, with waiters: next(name, pred) returns the first entry not yet taken
 * that matches, received already or to come. seen(name, pred) looks without waiting or taking.
 */
class Recorder {
  constructor(label) {
    this.label = label;
    this.entries = []; // {name, args, taken}
    this.waiters = [];
  }

  push(name, args) {
    const e = { name, args, taken: false };
    this.entries.push(e);
    for (let i = 0; i < this.waiters.length; ++i) {
      const w = this.waiters[i];
      if (w.name === name && w.pred(...args)) {
        this.waiters.splice(i, 1);
        e.taken = true;
        w.resolve(args);
        return;
      }
    }
  }

  next(name, pred = () => true, ms = 15000) {
    const e = this.entries.find((x) => !x.taken && x.name === name && pred(...x.args));
    if (e) {
      e.taken = true;
      return Promise.resolve(e.args);
    }
    let waiter;
    const p = new Promise((resolve) => {
      waiter = { name, pred, resolve };
      this.waiters.push(waiter);
    });
    return withTimeout(p, ms, `${this.label}: "${name}"`).catch((err) => {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      err.message += `; ${this.label} got so far: ${this.describe()}`;
      throw err;
    });
  }

  /** The first argument of the next matching entry. */
  async first(name, pred, ms) {
    return (await this.next(name, pred, ms))[0];
  }

  seen(name, pred = () => true) {
    return this.entries.filter((x) => x.name === name && pred(...x.args));
  }

  describe() {
    const s = this.entries.map((e) => `${e.name} ${e.args.map((a) => JSON.stringify(a)).join(' ')}`).join(' | ');
    return s.length > 1500 ? s.slice(0, 1500) + '…' : s || '(nothing)';
  }
}

// ---------------------------------------------------------------------------------------------- the hub

/**
 * Starts peerlink-hub on 127.0.0.1 with a temporary data directory. @p opts.port (default 0), @p opts.args extra
 * options. Resolves when it printed its listening URL. hub.stop() is idempotent.
 */
async function startHub(opts = {}) {
  const dataDir = opts.dataDir || fs.mkdtempSync(path.join(os.tmpdir(), 'peerlink-sio-hub-'));
  const args = ['--bind', '127.0.0.1', '--port', String(opts.port ?? 0), '--data-dir', dataDir, ...(opts.args || [])];
  const child = process.env.PEERLINK_SIO_TARGET === 'mapping-server'
    ? track(spawn(process.execPath, [path.join(__dirname, 'mapping-server.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] }))
    : track(spawn(hubBin(), args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  let output = '';
  const outputWaiters = [];
  const hub = {
    child, dataDir, port: 0, output: () => output,
    /** Resolves with the match of @p re in the hub's output (stdout and stderr), printed already or to come. */
    waitOutput(re, ms = 10000) {
      const m = re.exec(output);
      if (m) return Promise.resolve(m);
      return withTimeout(new Promise((resolve) => outputWaiters.push({ re, resolve })), ms, `the hub to print ${re}`);
    },
    url: '', wsUrl: '',
    async stop({ keepData = false } = {}) {
      await stopChild(child);
      if (!keepData && !opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await withTimeout(new Promise((resolve, reject) => {
    const look = (chunk) => {
      output += chunk.toString();
      for (let i = outputWaiters.length - 1; i >= 0; --i) {
        const m = outputWaiters[i].re.exec(output);
        if (m) outputWaiters.splice(i, 1)[0].resolve(m);
      }
      const m = /listening on ws:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m && !hub.port) {
        hub.port = Number(m[1]);
        resolve();
      }
    };
    child.on('error', (err) => reject(new Error(`peerlink-hub could not be started: ${err.message}`)));
    child.on('exit', (code, sig) => reject(new Error(`peerlink-hub exited (${code ?? sig}) before listening: ${output}`)));
    if (child.stdout) child.stdout.on('data', look);
    if (child.stderr) child.stderr.on('data', look);
  }), 15000, 'peerlink-hub to listen').catch(async (err) => {
    await hub.stop();
    throw err;
  });
  hub.url = `http://127.0.0.1:${hub.port}`;
  hub.wsUrl = `ws://127.0.0.1:${hub.port}`;
  return hub;
}

// ---------------------------------------------------------------------------------------------- a native peer

/**
 * peerlink-cli joined as @p id with --json: cli.events records every JSON line under its "event" field;
 * cli.send(line) types a line (a message, or a /command). Resolves after its welcome.
 */
async function startCli(port, id, extraArgs = []) {
  const args = ['--hub', `ws://127.0.0.1:${port}`, '--id', id, '--json', '--no-listen', ...extraArgs];
  const child = track(spawn(cliBin(), args, { stdio: ['pipe', 'pipe', 'pipe'] }));
  const events = new Recorder(`native ${id}`);
  child.on('error', (err) => events.push('exit', [{ error: err.message }]));
  if (child.stdin) child.stdin.on('error', () => {}); // a CLI that died: its exit is recorded, writes are moot
  let buffer = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    buffer += chunk.toString();
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (!line) continue;
      let o;
      try { o = JSON.parse(line); } catch { o = { event: 'unparsed', line }; }
      events.push(o.event, [o]);
    }
  });
  child.stderr.on('data', (c) => { stderr += c.toString(); });
  child.on('exit', (code, sig) => events.push('exit', [{ code, sig }]));
  const cli = {
    child, events, stderr: () => stderr,
    send(line) { child.stdin.write(line + '\n'); },
    stop: () => { try { child.stdin.end(); } catch { /* closed */ } return stopChild(child, 3000); },
  };
  await events.next('welcome', () => true, 15000).catch((err) => {
    err.message += ` (peerlink-cli stderr: ${stderr})`;
    throw err;
  });
  return cli;
}

// ---------------------------------------------------------------------------------------------- socket.io clients

/**
 * A socket.io-client socket (default options unless @p opts says otherwise) whose every incoming event is
 * recorded in sock.events; connect, connect_error, disconnect, the engine's open and its upgrade are recorded too
 * (as "@connect", "@connect_error", "@disconnect", "@open" and "@upgrade", with the transport's name).
 */
function sioConnect(url, opts, label = 'socket.io peer') {
  const { io } = dep('socket.io-client');
  const socket = opts === undefined ? io(url) : io(url, opts);
  const events = new Recorder(label);
  socket.onAny((name, ...args) => events.push(name, args));
  socket.on('connect', () => events.push('@connect', [socket.io.engine.transport.name]));
  socket.on('connect_error', (err) => events.push('@connect_error', [err]));
  socket.on('disconnect', (reason) => events.push('@disconnect', [reason]));
  socket.io.on('open', () => {
    events.push('@open', [socket.io.engine.transport.name]);
    socket.io.engine.on('upgrade', (transport) => events.push('@upgrade', [transport.name]));
  });
  socket.events = events;
  return socket;
}

/**
 * The mapping emits native objects minus their "type" (the event name says it): the events in @p recorder whose
 * object argument still carries one, as "event {...}" strings.
 */
function eventsWithType(recorder) {
  return recorder.entries
    .filter((e) => !e.name.startsWith('@') && e.args.some((a) => a && typeof a === 'object' && 'type' in a))
    .map((e) => `${e.name} ${JSON.stringify(e.args[0])}`);
}

/** Emits with an acknowledgement callback and resolves with the answer (bounded in time). */
function emitWithAnswer(socket, ...args) {
  return withTimeout(new Promise((resolve) => socket.emit(...args, (answer) => resolve(answer))), 15000,
    `the answer to emit(${JSON.stringify(args[0])})`).catch((err) => {
    const e = socket.io.engine;
    err.message += ` (engine: transport ${e && e.transport && e.transport.name}, upgrading ${e && e.upgrading}, ` +
      `packets buffered ${e && e.writeBuffer && e.writeBuffer.length}; ${socket.events ? socket.events.describe() : ''})`;
    throw err;
  });
}

// ---------------------------------------------------------------------------------------------- raw HTTP

/** One HTTP request to 127.0.0.1:@p port; resolves {status, headers, body} (or {error} when the socket broke). */
function request(port, { method = 'GET', path: p = '/', headers = {}, body, timeoutMs = 10000 } = {}) {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: p, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', (err) => resolve({ error: err.code || err.message }));
    });
    req.setTimeout(timeoutMs, () => { req.destroy(new Error('timeout')); });
    req.on('error', (err) => resolve({ error: err.message === 'timeout' ? 'timeout' : (err.code || err.message) }));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const eioPath = (query) => `/socket.io/?${query}`;

/** Engine.IO polling handshake; resolves {sid, open, res}. */
async function handshake(port, headers = {}) {
  const res = await request(port, { path: eioPath('EIO=4&transport=polling'), headers });
  if (res.status !== 200 || !res.body.startsWith('0')) {
    throw new Error(`handshake: expected 200 "0{...}", got ${JSON.stringify(res)}`);
  }
  const open = JSON.parse(res.body.slice(1));
  return { sid: open.sid, open, res };
}

const poll = (port, sid, timeoutMs) =>
  request(port, { path: eioPath(`EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`), timeoutMs });
const post = (port, sid, body, headers = {}) =>
  request(port, {
    method: 'POST', path: eioPath(`EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`), body,
    headers: { 'Content-Type': 'text/plain;charset=UTF-8', ...headers },
  });

/** Splits a polling GET body into its packets. */
const packets = (body) => body.split('\x1e');

// ---------------------------------------------------------------------------------------------- the runner

/**
 * Runs @p cases ({name, timeoutMs?, fn(ctx)}) one after the other; ctx.defer(fn) registers clean-up that runs
 * however the case ends (last registered first). Prints ok / not ok lines; exits 1 when a case failed.
 */
async function run(cases) {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  let failed = 0;
  let ran = 0;
  const watchdog = setTimeout(() => {
    console.error('not ok - the whole script overran its time limit');
    process.exit(1);
  }, cases.reduce((s, c) => s + (c.timeoutMs || 60000), 0) + 30000);
  watchdog.unref();
  for (const c of cases) {
    if (only.length && !only.some((o) => c.name.includes(o))) continue;
    ++ran;
    const cleanups = [];
    const ctx = { defer: (fn) => cleanups.push(fn), log: (...a) => console.log(`  # ${a.join(' ')}`) };
    const started = Date.now();
    try {
      await withTimeout(Promise.resolve().then(() => c.fn(ctx)), c.timeoutMs || 60000, `the case "${c.name}" to end`);
      console.log(`ok - ${c.name} (${Date.now() - started} ms)`);
    } catch (err) {
      ++failed;
      console.log(`not ok - ${c.name} (${Date.now() - started} ms)`);
      console.log(String(err && err.stack || err).split('\n').map((l) => `  ${l}`).join('\n'));
    } finally {
      for (const fn of cleanups.reverse()) {
        try { await withTimeout(Promise.resolve().then(fn), 10000, 'clean-up'); } catch (err) { console.log(`  # clean-up: ${err.message}`); }
      }
    }
  }
  if (ran === 0) {
    console.log('not ok - no case ran');
    failed = 1;
  }
  console.log(`${failed ? 'FAIL' : 'PASS'}: ${ran - failed} of ${ran} passed`);
  killAll();
  process.exit(failed ? 1 : 0);
}

module.exports = {
  dep, startHub, startCli, sioConnect, emitWithAnswer, eventsWithType, Recorder, withTimeout, request, handshake, poll, post,
  packets, eioPath, run, stopChild,
};
