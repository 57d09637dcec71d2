import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readDockerContext } from '../../../src/engine/docker/dockerContext';
import { locateEngine } from '../../../src/engine/docker/locateEngine';
import { EndpointError } from '../../../src/engine/docker/resolveEndpoint';

describe('reading the docker CLI context', () => {
  let configDir: string;

  beforeEach(() => {
    configDir = mkdtempSync(join(tmpdir(), 'stevedore-docker-config-'));
  });

  afterEach(() => {
    rmSync(configDir, { recursive: true, force: true });
  });

  function addContext(name: string, host: string, tls = false): void {
    const digest = createHash('sha256').update(name).digest('hex');
    const metaDir = join(configDir, 'contexts', 'meta', digest);
    mkdirSync(metaDir, { recursive: true });
    writeFileSync(join(metaDir, 'meta.json'), JSON.stringify({
      Name: name,
      Metadata: {},
      Endpoints: { docker: { Host: host, SkipTLSVerify: false } },
    }));
    if (tls) mkdirSync(join(configDir, 'contexts', 'tls', digest, 'docker'), { recursive: true });
  }

  function useContext(name: string): void {
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ currentContext: name }));
  }

  it('finds the current context endpoint through the sha256 of its name', async () => {
    addContext('rootless', 'unix:///run/user/1000/docker.sock');
    useContext('rootless');

    const context = await readDockerContext({ configDir, env: {} });

    assert.deepEqual(context, {
      name: 'rootless',
      host: 'unix:///run/user/1000/docker.sock',
      skipTlsVerify: false,
    });
  });

  it('prefers DOCKER_CONTEXT over currentContext, as the CLI does', async () => {
    addContext('a', 'unix:///a.sock');
    addContext('b', 'tcp://b.example:2375');
    useContext('a');

    const context = await readDockerContext({ configDir, env: { DOCKER_CONTEXT: 'b' } });

    assert.equal(context?.host, 'tcp://b.example:2375');
  });

  it('reports the TLS folder of a context that has one', async () => {
    addContext('remote', 'tcp://remote.example:2376', true);
    useContext('remote');

    const context = await readDockerContext({ configDir, env: {} });

    assert.equal(context?.tlsDir?.endsWith(join('docker')), true);
  });

  it('means no context for "default", a missing config or none chosen', async () => {
    assert.equal(await readDockerContext({ configDir, env: {} }), undefined);
    useContext('default');
    assert.equal(await readDockerContext({ configDir, env: {} }), undefined);
  });

  it('refuses a chosen context whose metadata is missing, naming it', async () => {
    useContext('gone');

    await assert.rejects(readDockerContext({ configDir, env: {} }),
      (error: unknown) => error instanceof EndpointError && /"gone"/.test(error.message));
  });

  it('refuses a config.json that is not JSON, naming the file', async () => {
    writeFileSync(join(configDir, 'config.json'), '{ not json');

    await assert.rejects(readDockerContext({ configDir, env: {} }),
      (error: unknown) => error instanceof EndpointError && error.message.includes('config.json'));
  });

  describe('locating the engine', () => {
    it('takes an explicit address over DOCKER_HOST and the context', async () => {
      addContext('ctx', 'unix:///ctx.sock');
      useContext('ctx');

      const located = await locateEngine({
        host: 'unix:///explicit.sock',
        env: { DOCKER_HOST: 'unix:///env.sock' },
        configDir,
      });

      assert.equal(located.source, 'setting');
      assert.equal(located.endpoint.label, 'unix:///explicit.sock');
    });

    it('takes DOCKER_HOST over the context', async () => {
      addContext('ctx', 'unix:///ctx.sock');
      useContext('ctx');

      const located = await locateEngine({ env: { DOCKER_HOST: 'unix:///env.sock' }, configDir });

      assert.equal(located.source, 'DOCKER_HOST');
      assert.equal(located.endpoint.label, 'unix:///env.sock');
    });

    it('takes the current context over the default socket', async () => {
      addContext('ctx', 'unix:///ctx.sock');
      useContext('ctx');

      const located = await locateEngine({ env: {}, configDir });

      assert.deepEqual([located.source, located.contextName, located.endpoint.label],
        ['context', 'ctx', 'unix:///ctx.sock']);
    });

    it('falls back to the default socket when nothing else says', async () => {
      const located = await locateEngine({ env: {}, configDir });

      assert.equal(located.source, 'default');
      assert.equal(located.endpoint.label, 'unix:///var/run/docker.sock');
    });

    it('throws EndpointError for an address it cannot use', async () => {
      await assert.rejects(locateEngine({ host: 'ftp://nope', env: {}, configDir }), EndpointError);
    });
  });
});
