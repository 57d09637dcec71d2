import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { UsageError } from '../../src/cli/cliArgs';
import { resolveCliEngines } from '../../src/cli/resolveCliEngines';
import { EndpointError } from '../../src/engine/docker/resolveEndpoint';

describe('resolveCliEngines', () => {
  let configDir: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(() => {
    configDir = mkdtempSync(join(tmpdir(), 'stevedore-cli-contexts-'));
    env = { DOCKER_CONFIG: configDir };
  });

  afterEach(() => {
    rmSync(configDir, { recursive: true, force: true });
  });

  function addContext(name: string, host: string): void {
    const hash = createHash('sha256').update(name).digest('hex');
    const dir = join(configDir, 'contexts', 'meta', hash);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({
      Name: name,
      Endpoints: { docker: { Host: host } },
    }));
  }

  it('names --host engines by their address and context engines by the context', async () => {
    addContext('east', 'unix:///run/east.sock');

    const engines = await resolveCliEngines({
      hosts: ['unix:///run/a.sock', '/run/b.sock'],
      contexts: ['east'],
      env,
    });

    assert.deepEqual(engines.map((e) => e.hostName),
      ['unix:///run/a.sock', 'unix:///run/b.sock', 'east']);
    assert.deepEqual(
      engines.map((e) => e.endpoint.kind === 'unix' && e.endpoint.socketPath),
      ['/run/a.sock', '/run/b.sock', '/run/east.sock'],
    );
  });

  it('uses the current context when neither option is given and DOCKER_HOST is unset',
    async () => {
      addContext('east', 'unix:///run/east.sock');
      writeFileSync(join(configDir, 'config.json'), JSON.stringify({ currentContext: 'east' }));

      const engines = await resolveCliEngines({ hosts: [], contexts: [], env });

      assert.equal(engines.length, 1);
      assert.equal(engines[0]?.endpoint.label, 'unix:///run/east.sock');
    });

  it('lets DOCKER_HOST win over the current context when neither option is given',
    async () => {
      addContext('east', 'unix:///run/east.sock');
      writeFileSync(join(configDir, 'config.json'), JSON.stringify({ currentContext: 'east' }));

      const engines = await resolveCliEngines({
        hosts: [],
        contexts: [],
        env: { ...env, DOCKER_HOST: 'unix:///run/env.sock' },
      });

      assert.equal(engines[0]?.endpoint.label, 'unix:///run/env.sock');
    });

  it('reads the "default" context as DOCKER_HOST, as the docker CLI does', async () => {
    const engines = await resolveCliEngines({
      hosts: [],
      contexts: ['default'],
      env: { ...env, DOCKER_HOST: 'unix:///run/env.sock' },
    });

    assert.deepEqual(engines.map((e) => [e.hostName, e.endpoint.label]),
      [['default', 'unix:///run/env.sock']]);
  });

  it('refuses one engine named twice, by address or through a context', async () => {
    addContext('east', 'unix:///run/a.sock');

    await assert.rejects(
      resolveCliEngines({ hosts: ['unix:///run/a.sock'], contexts: ['east'], env }),
      (e: Error) =>
        e instanceof UsageError && /"unix:\/\/\/run\/a.sock" and "east"/.test(e.message),
    );
    await assert.rejects(
      resolveCliEngines({ hosts: ['/run/b.sock', 'unix:///run/b.sock'], contexts: [], env }),
      UsageError,
    );
  });

  it('names a context that does not exist', async () => {
    await assert.rejects(
      resolveCliEngines({ hosts: [], contexts: ['nowhere'], env }),
      (e: Error) => e instanceof EndpointError && /"nowhere"/.test(e.message),
    );
  });

  it('names a malformed --host address', async () => {
    await assert.rejects(
      resolveCliEngines({ hosts: ['unix://relative.sock'], contexts: [], env }),
      (e: Error) => e instanceof EndpointError && /absolute socket path/.test(e.message),
    );
  });
});
