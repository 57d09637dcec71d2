import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { listDockerContexts } from '../../../src/engine/docker/dockerContext';

describe('listing every docker CLI context', () => {
  let configDir: string;

  beforeEach(() => {
    configDir = mkdtempSync(join(tmpdir(), 'stevedore-docker-contexts-'));
  });

  afterEach(() => {
    rmSync(configDir, { recursive: true, force: true });
  });

  function metaDirOf(name: string): string {
    const digest = createHash('sha256').update(name).digest('hex');
    return join(configDir, 'contexts', 'meta', digest);
  }

  function addContext(name: string, docker: object, tls = false): void {
    mkdirSync(metaDirOf(name), { recursive: true });
    writeFileSync(join(metaDirOf(name), 'meta.json'),
      JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker } }));
    if (tls) {
      const digest = createHash('sha256').update(name).digest('hex');
      mkdirSync(join(configDir, 'contexts', 'tls', digest, 'docker'), { recursive: true });
    }
  }

  it('finds every context with its host, sorted by name, and the current one', async () => {
    addContext('zeta', { Host: 'unix:///zeta.sock', SkipTLSVerify: false });
    addContext('alpha', { Host: 'tcp://alpha.example:2375', SkipTLSVerify: false });
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ currentContext: 'zeta' }));

    const listed = await listDockerContexts({ configDir, env: {} });

    assert.deepEqual(listed, {
      contexts: [
        { name: 'alpha', host: 'tcp://alpha.example:2375', skipTlsVerify: false },
        { name: 'zeta', host: 'unix:///zeta.sock', skipTlsVerify: false },
      ],
      current: 'zeta',
      problems: [],
    });
  });

  it('gives the TLS folder of a context that has one, and its skip-verify flag', async () => {
    addContext('remote', { Host: 'tcp://remote.example:2376', SkipTLSVerify: true }, true);

    const [context] = (await listDockerContexts({ configDir, env: {} })).contexts;

    const digest = createHash('sha256').update('remote').digest('hex');
    assert.deepEqual(context, {
      name: 'remote',
      host: 'tcp://remote.example:2376',
      tlsDir: join(configDir, 'contexts', 'tls', digest, 'docker'),
      skipTlsVerify: true,
    });
  });

  it('takes DOCKER_CONTEXT as the current one and treats "default" as none', async () => {
    addContext('a', { Host: 'unix:///a.sock' });
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ currentContext: 'a' }));

    const fromEnv = await listDockerContexts({ configDir, env: { DOCKER_CONTEXT: 'default' } });
    const fromConfig = await listDockerContexts({ configDir, env: {} });

    assert.equal(fromEnv.current, undefined);
    assert.equal(fromConfig.current, 'a');
  });

  it('leaves out garbled contexts, naming each file, and keeps the readable ones', async () => {
    addContext('good', { Host: 'unix:///good.sock' });
    mkdirSync(metaDirOf('broken'), { recursive: true });
    writeFileSync(join(metaDirOf('broken'), 'meta.json'), '{ not json');
    addContext('hostless', {});
    mkdirSync(metaDirOf('null'), { recursive: true });
    writeFileSync(join(metaDirOf('null'), 'meta.json'), 'null');
    mkdirSync(metaDirOf('empty'), { recursive: true });

    const listed = await listDockerContexts({ configDir, env: {} });

    assert.deepEqual(listed.contexts.map((c) => c.name), ['good']);
    assert.equal(listed.problems.length, 3);
    assert.ok(listed.problems.some((p) => p.includes(join(metaDirOf('broken'), 'meta.json')) &&
      p.includes('not valid JSON')));
    assert.ok(listed.problems.some((p) => p.includes('"hostless" names no engine')));
    assert.ok(listed.problems.some((p) => p.includes(join(metaDirOf('null'), 'meta.json'))));
  });

  it('reports a garbled config.json but still lists the contexts', async () => {
    addContext('a', { Host: 'unix:///a.sock' });
    writeFileSync(join(configDir, 'config.json'), '{');

    const listed = await listDockerContexts({ configDir, env: {} });

    assert.deepEqual(listed.contexts.map((c) => c.name), ['a']);
    assert.equal(listed.current, undefined);
    assert.match(listed.problems[0] ?? '', /config\.json is not valid JSON/);
  });

  it('answers an empty list for a config folder that does not exist', async () => {
    const listed = await listDockerContexts({ configDir: join(configDir, 'missing'), env: {} });

    assert.deepEqual(listed, { contexts: [], problems: [] });
  });
});
