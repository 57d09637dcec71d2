// Pure Node: which engines are offered, and which the remembered ids choose.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  activeChoices,
  listEngineChoices,
} from '../../../src/extension/connection/engineChoices';
import { DEFAULT_SETTINGS } from '../../../src/extension/settings/stevedoreSettings';

describe('the engines Stevedore offers', () => {
  let configDir: string;

  beforeEach(() => {
    configDir = mkdtempSync(join(tmpdir(), 'stevedore-engine-choices-'));
  });

  afterEach(() => {
    rmSync(configDir, { recursive: true, force: true });
  });

  function addContext(name: string, host: string): void {
    const digest = createHash('sha256').update(name).digest('hex');
    const dir = join(configDir, 'contexts', 'meta', digest);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'meta.json'),
      JSON.stringify({ Name: name, Endpoints: { docker: { Host: host } } }));
  }

  it('offers the default engine, then every context, then the listed hosts', async () => {
    addContext('ci', 'unix:///ci.sock');
    const settings = {
      ...DEFAULT_SETTINGS,
      engineHosts: [{ name: 'build', host: 'tcp://build-1:2375' }, { host: 'unix:///x.sock' }],
    };

    const { choices } = await listEngineChoices(settings, { configDir, env: {} });

    assert.deepEqual(choices.map((c) => [c.id, c.name, c.origin]), [
      ['default', 'Default engine', 'the current docker context or default socket'],
      ['context:ci', 'ci', 'docker context "ci"'],
      ['host:tcp://build-1:2375', 'build', 'stevedore.engine.hosts'],
      ['host:unix:///x.sock', 'unix:///x.sock', 'stevedore.engine.hosts'],
    ]);
    const located = await Promise.all(choices.map((c) => c.locate()));
    assert.deepEqual(located.map((l) => [l.source, l.endpoint.label]), [
      ['default', 'unix:///var/run/docker.sock'],
      ['context', 'unix:///ci.sock'],
      ['setting', 'tcp://build-1:2375'],
      ['setting', 'unix:///x.sock'],
    ]);
  });

  it('locates the default engine as a single-engine Stevedore does', async () => {
    const settings = { ...DEFAULT_SETTINGS, engineHost: 'unix:///set.sock' };

    const [first] = (await listEngineChoices(settings, {
      configDir,
      env: { DOCKER_HOST: 'unix:///env.sock' },
    })).choices;

    assert.equal(first?.origin, 'stevedore.engine.host');
    assert.equal((await first!.locate()).endpoint.label, 'unix:///set.sock');
  });

  it('chooses the remembered engines in offered order, else the default alone', async () => {
    addContext('a', 'unix:///a.sock');
    addContext('b', 'unix:///b.sock');
    const { choices } = await listEngineChoices(DEFAULT_SETTINGS, { configDir, env: {} });

    const ids = (remembered?: string[]) => activeChoices(choices, remembered).map((c) => c.id);

    assert.deepEqual(ids(['context:b', 'default']), ['default', 'context:b']);
    assert.deepEqual(ids(undefined), ['default']);
    assert.deepEqual(ids(['context:gone']), ['default']);
  });
});
