import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  DEFAULT_SOCKET,
  EndpointError,
  resolveEndpoint,
} from '../../../src/engine/docker/resolveEndpoint';

describe('resolveEndpoint', () => {
  let certDir: string;

  beforeEach(() => {
    certDir = mkdtempSync(join(tmpdir(), 'stevedore-certs-'));
  });

  afterEach(() => {
    rmSync(certDir, { recursive: true, force: true });
  });

  function writeCerts(files: readonly string[]): void {
    for (const file of files) writeFileSync(join(certDir, file), `${file} contents`);
  }

  it('lets an explicit host win over DOCKER_HOST', () => {
    const endpoint = resolveEndpoint({
      host: 'unix:///tmp/explicit.sock',
      env: { DOCKER_HOST: 'tcp://127.0.0.1:2375' },
    });

    assert.deepEqual(endpoint, {
      kind: 'unix',
      socketPath: '/tmp/explicit.sock',
      label: 'unix:///tmp/explicit.sock',
    });
  });

  it('reads a unix DOCKER_HOST', () => {
    const endpoint = resolveEndpoint({ env: { DOCKER_HOST: 'unix:///run/user/0/docker.sock' } });

    assert.equal(endpoint.kind, 'unix');
    assert.equal(endpoint.kind === 'unix' && endpoint.socketPath, '/run/user/0/docker.sock');
  });

  it('reads a plain tcp DOCKER_HOST without TLS', () => {
    const endpoint = resolveEndpoint({ env: { DOCKER_HOST: 'tcp://127.0.0.1:2375' } });

    assert.deepEqual(endpoint, {
      kind: 'tcp',
      host: '127.0.0.1',
      port: 2375,
      tls: undefined,
      label: 'tcp://127.0.0.1:2375',
    });
  });

  it('reads TLS files from DOCKER_CERT_PATH when DOCKER_TLS_VERIFY is set', () => {
    writeCerts(['ca.pem', 'cert.pem', 'key.pem']);

    const endpoint = resolveEndpoint({
      env: {
        DOCKER_HOST: 'tcp://docker.example',
        DOCKER_TLS_VERIFY: '1',
        DOCKER_CERT_PATH: certDir,
      },
    });

    assert.equal(endpoint.kind, 'tcp');
    if (endpoint.kind !== 'tcp') return;
    assert.equal(endpoint.port, 2376, 'the TLS port is the default once TLS is on');
    assert.equal(endpoint.tls?.verify, true);
    assert.equal(endpoint.tls?.ca?.toString(), 'ca.pem contents');
    assert.equal(endpoint.tls?.cert?.toString(), 'cert.pem contents');
    assert.equal(endpoint.tls?.key?.toString(), 'key.pem contents');
  });

  it('uses no TLS for DOCKER_CERT_PATH alone, as the docker CLI does', () => {
    writeCerts(['ca.pem', 'cert.pem', 'key.pem']);

    const endpoint = resolveEndpoint({
      env: { DOCKER_HOST: 'tcp://docker.example', DOCKER_CERT_PATH: certDir },
    });

    assert.equal(endpoint.kind === 'tcp' && endpoint.tls, undefined);
  });

  it('turns verification on for any non-empty DOCKER_TLS_VERIFY, "0" included', () => {
    writeCerts(['ca.pem', 'cert.pem', 'key.pem']);

    const endpoint = resolveEndpoint({
      env: {
        DOCKER_HOST: 'tcp://docker.example',
        DOCKER_TLS_VERIFY: '0',
        DOCKER_CERT_PATH: certDir,
      },
    });

    assert.equal(endpoint.kind === 'tcp' && endpoint.tls?.verify, true);
  });

  it('refuses TLS verification without a ca.pem', () => {
    writeCerts(['cert.pem', 'key.pem']);

    assert.throws(
      () =>
        resolveEndpoint({
          env: {
            DOCKER_HOST: 'tcp://docker.example:2376',
            DOCKER_TLS_VERIFY: '1',
            DOCKER_CERT_PATH: certDir,
          },
        }),
      (error: unknown) =>
        error instanceof EndpointError && error.message.includes(join(certDir, 'ca.pem')),
    );
  });

  for (const garbage of ['not an address', 'ftp://docker.example', 'unix://relative.sock']) {
    it(`names the value in the EndpointError for "${garbage}"`, () => {
      assert.throws(
        () => resolveEndpoint({ env: { DOCKER_HOST: garbage } }),
        (error: unknown) => error instanceof EndpointError && error.message.includes(garbage),
      );
    });
  }

  it('reads an ssh address with its user and port, and the ssh agent to log in with', () => {
    const endpoint = resolveEndpoint({
      host: 'ssh://deploy@node-3.example:2222',
      env: { SSH_AUTH_SOCK: '/run/user/1000/ssh-agent.sock' },
    });

    assert.deepEqual(endpoint, {
      kind: 'ssh',
      host: 'node-3.example',
      port: 2222,
      username: 'deploy',
      agentSocket: '/run/user/1000/ssh-agent.sock',
      label: 'ssh://deploy@node-3.example:2222',
    });
  });

  it('leaves the agent out of an ssh address when no ssh agent runs', () => {
    const endpoint = resolveEndpoint({ env: { DOCKER_HOST: 'ssh://node-3.example' } });

    assert.deepEqual(endpoint, {
      kind: 'ssh',
      host: 'node-3.example',
      port: 22,
      username: undefined,
      label: 'ssh://node-3.example',
    });
  });

  it('falls back on the default socket', () => {
    const endpoint = resolveEndpoint({ env: {} });

    assert.deepEqual(endpoint, {
      kind: 'unix',
      socketPath: DEFAULT_SOCKET,
      label: `unix://${DEFAULT_SOCKET}`,
    });
  });
});
