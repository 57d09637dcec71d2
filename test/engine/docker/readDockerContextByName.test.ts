import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { readDockerContextByName } from '../../../src/engine/docker/dockerContext';
import { EndpointError } from '../../../src/engine/docker/resolveEndpoint';

describe('reading one docker CLI context by name', () => {
  let configDir: string;

  beforeEach(() => {
    configDir = mkdtempSync(join(tmpdir(), 'stevedore-docker-config-'));
  });

  afterEach(() => {
    rmSync(configDir, { recursive: true, force: true });
  });

  function addContext(name: string, host: string): void {
    const digest = createHash('sha256').update(name).digest('hex');
    const metaDir = join(configDir, 'contexts', 'meta', digest);
    mkdirSync(metaDir, { recursive: true });
    writeFileSync(join(metaDir, 'meta.json'), JSON.stringify({
      Name: name,
      Endpoints: { docker: { Host: host, SkipTLSVerify: true } },
    }));
  }

  it('reads the named context whichever one is current', async () => {
    addContext('east', 'tcp://east.example:2376');
    addContext('west', 'unix:///run/west.sock');
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ currentContext: 'east' }));

    const context = await readDockerContextByName('west', { configDir, env: {} });

    assert.deepEqual(context, { name: 'west', host: 'unix:///run/west.sock', skipTlsVerify: true });
  });

  it('takes its folder from DOCKER_CONFIG when none is given', async () => {
    addContext('west', 'unix:///run/west.sock');

    const context = await readDockerContextByName('west', { env: { DOCKER_CONFIG: configDir } });

    assert.equal(context?.host, 'unix:///run/west.sock');
  });

  it('answers undefined for "default", which the docker CLI keeps no file for', async () => {
    assert.equal(await readDockerContextByName('default', { configDir, env: {} }), undefined);
  });

  it('names a context that does not exist instead of using another engine', async () => {
    await assert.rejects(
      readDockerContextByName('nowhere', { configDir, env: {} }),
      (e: Error) => e instanceof EndpointError && /no docker context "nowhere"/.test(e.message),
    );
  });
});
