import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';

import type { CliResult } from '../../../src/cli/cliResult';
import { withSandbox } from '../../support/engineSandbox';
import { type CliRun, report, runCli } from './reliabilityKit';

const NOBODY = { uid: 65534, gid: 65534 };

/** A fake engine: lists no containers and answers pings, as an empty daemon would. */
function answerLikeAnEngine(req: http.IncomingMessage, res: http.ServerResponse): void {
  res.setHeader('Content-Type', 'application/json');
  if (req.url?.includes('/containers/json')) res.end('[]');
  else if (req.url?.endsWith('/_ping')) res.end('OK');
  else res.writeHead(404).end('{"message":"page not found"}');
}

function listening(server: net.Server, where: string | number): Promise<string> {
  return new Promise((resolve) => {
    if (typeof where === 'string') server.listen(where, () => resolve(`unix://${where}`));
    else {
      server.listen(where, '127.0.0.1', () =>
        resolve(`tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`));
    }
  });
}

/** A self-signed certificate for 127.0.0.1, made by openssl now; its cert is its CA. */
function makeCertificate(dir: string, name: string): void {
  mkdirSync(dir, { recursive: true });
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt',
    'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${name}`,
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'),
    '-out', join(dir, 'cert.pem')]);
  assert.equal(made.status, 0, made.stderr.toString());
  copyFileSync(join(dir, 'cert.pem'), join(dir, 'ca.pem'));
}

describe('When the engine address is wrong or refuses the user', function () {
  this.timeout(120_000);
  const ctx = withSandbox({ name: 'endpoints' });
  let dir: string;
  const servers: net.Server[] = [];
  const runs = new Map<string, Promise<CliRun>>();

  /** Runs `stevedore stop x --json` with this environment, as every case below does. */
  function stop(env: NodeJS.ProcessEnv, asUser?: typeof NOBODY): Promise<CliRun> {
    return runCli(['stop', '--select', 'name=x', '--json', '--history', join(dir, 'history')],
      { env: { XDG_STATE_HOME: join(dir, 'state'), ...env }, asUser, timeoutMs: 90_000 });
  }

  // Every case starts at once: the one that waits out a deadline sets the pace for all.
  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync('/tmp/stevedore-endpoints-');
    makeCertificate(join(dir, 'engine'), 'engine');
    makeCertificate(join(dir, 'other'), 'someone-else');
    mkdirSync(join(dir, 'ca-missing'));
    mkdirSync(join(dir, 'ca-only'));
    copyFileSync(join(dir, 'engine', 'ca.pem'), join(dir, 'ca-only', 'ca.pem'));
    const cert = readFileSync(join(dir, 'engine', 'cert.pem'));
    const key = readFileSync(join(dir, 'engine', 'key.pem'));

    const overTls = http.createServer(answerLikeAnEngine);
    const secure = tls.createServer({ key, cert }, (socket) => overTls.emit('connection', socket));
    // dockerd is a Go server, and Go answers a plain HTTP request on a TLS port in plain words.
    const goLike = net.createServer((socket) => socket.once('data', (chunk: Buffer) => {
      if (/^[A-Z]+ \//.test(chunk.toString('latin1'))) {
        socket.end('HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS ' +
          'server.\n');
      } else {
        socket.unshift(chunk);
        secure.emit('connection', socket);
      }
    }));
    const plain = http.createServer(answerLikeAnEngine);
    const silent = net.createServer(() => undefined);
    const closed = net.createServer();
    const unixEngine = http.createServer(answerLikeAnEngine);
    servers.push(secure, goLike, plain, silent, closed, unixEngine);
    const [tlsHost, goHost, plainHost, silentHost, closedHost, unixHost] = await Promise.all([
      listening(secure, 0), listening(goLike, 0), listening(plain, 0), listening(silent, 0),
      listening(closed, 0), listening(unixEngine, join(dir, 'engine.sock')),
    ]);
    await new Promise((resolve) => closed.close(resolve));
    const verify = (certs: string) => ({ DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs });

    runs.set('nobody', stop({ DOCKER_HOST: ctx.sandbox.dockerHost, HOME: dir }, NOBODY));
    runs.set('missing socket', stop({ DOCKER_HOST: `unix://${join(dir, 'no', 'docker.sock')}` }));
    runs.set('closed port', stop({ DOCKER_HOST: closedHost }));
    runs.set('plain to go-like tls', stop({ DOCKER_HOST: goHost }));
    runs.set('plain to tls', stop({ DOCKER_HOST: tlsHost }));
    runs.set('tls to plain', stop({ DOCKER_HOST: plainHost, ...verify(join(dir, 'engine')) }));
    runs.set('other ca', stop({ DOCKER_HOST: tlsHost, ...verify(join(dir, 'other')) }));
    runs.set('ca missing', stop({ DOCKER_HOST: tlsHost, ...verify(join(dir, 'ca-missing')) }));
    runs.set('ca only', stop({ DOCKER_HOST: tlsHost, ...verify(join(dir, 'ca-only')) }));
    runs.set('silent', stop({ DOCKER_HOST: silentHost }));
    runs.set('tls', stop({ DOCKER_HOST: tlsHost, ...verify(join(dir, 'engine')) }));
    runs.set('host over env', runCli(['stop', '--select', 'name=x', '--json', '--host', unixHost,
      '--history', join(dir, 'history')], { env: { DOCKER_HOST: closedHost } }));
  });

  after(async () => {
    await Promise.allSettled([...runs.values()]);
    for (const server of servers) server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The run's result, after checking it printed one line to stderr and nothing to stdout. */
  async function failed(name: string, code: number): Promise<string> {
    const run = await runs.get(name)!;
    assert.equal(run.code, code, run.stderr);
    assert.equal(run.stdout, '');
    const lines = run.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `one message:\n${run.stderr}`);
    report(`CLI: ${name}`, { exitCode: run.code, stderr: lines[0], ms: run.ms });
    return lines[0]!;
  }

  it('a socket the user may not open: one message naming the permission, exit 1', async () => {
    const message = await failed('nobody', 1);

    assert.match(message, /^stevedore: list containers: permission denied on the engine's socket /);
    assert.ok(message.includes(ctx.sandbox.socketPath), message);
  });

  it('a DOCKER_HOST naming a missing socket: one message naming it, exit 1', async () => {
    assert.match(await failed('missing socket', 1),
      /^stevedore: list containers: cannot reach the engine \(connect ENOENT \/tmp\/.*\/no\//);
  });

  it('a DOCKER_HOST naming a closed port: one message, exit 1', async () => {
    assert.match(await failed('closed port', 1),
      /^stevedore: list containers: cannot reach the engine \(connect ECONNREFUSED 127\.0\.0\.1/);
  });

  it('plain HTTP to a TLS engine that says so (as dockerd does): its words, exit 1',
    async () => {
      assert.equal(await failed('plain to go-like tls', 1),
        'stevedore: list containers: Client sent an HTTP request to an HTTPS server.');
    });

  it('plain HTTP to a TLS endpoint that just hangs up: one message, exit 1', async () => {
    assert.equal(await failed('plain to tls', 1),
      'stevedore: list containers: cannot reach the engine (socket hang up)');
  });

  it('TLS to an engine without TLS: one message naming the handshake, exit 1', async () => {
    assert.match(await failed('tls to plain', 1), new RegExp('^stevedore: list containers: ' +
      'the TLS handshake with the engine failed \\(wrong version number\\); check that'));
  });

  it('TLS to an engine whose certificate another CA signed: one message, exit 1', async () => {
    assert.match(await failed('other ca', 1), new RegExp('^stevedore: list containers: ' +
      'the TLS handshake with the engine failed \\(self-signed certificate\\)'));
  });

  it('TLS verification without a ca.pem: one message naming the file, exit 2', async () => {
    assert.equal(await failed('ca missing', 2), 'stevedore: TLS verification needs ' +
      `${join(dir, 'ca-missing', 'ca.pem')}, which is missing`);
  });

  it('a certificate folder with only ca.pem: one message naming the missing file, exit 2',
    async () => {
      assert.match(await failed('ca only', 2), new RegExp('^stevedore: Cannot use the Docker ' +
        `settings in the environment \\(DOCKER_HOST, DOCKER_CERT_PATH\\): .*ca-only/cert\\.pem`));
    });

  it('an engine that accepts and never answers: the deadline ends it with one message',
    async () => {
      assert.equal(await failed('silent', 1),
        'stevedore: list containers: the engine did not answer in time');
    });

  it('the same TLS engine with its own CA works, so the failures above are the mismatches',
    async () => {
      const run = await runs.get('tls')!;
      assert.equal(run.code, 0, run.stderr);
      assert.equal((JSON.parse(run.stdout) as CliResult).total, 0);
    });

  it('--host wins over a DOCKER_HOST in the environment', async () => {
    const run = await runs.get('host over env')!;
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as CliResult).status, 'completed');
  });
});
