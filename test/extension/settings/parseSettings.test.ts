import * as assert from 'node:assert/strict';

import {
  type InspectedValue,
  parseSettings,
} from '../../../src/extension/settings/parseSettings';
import { DEFAULT_SETTINGS } from '../../../src/extension/settings/stevedoreSettings';

function from(values: Record<string, InspectedValue>) {
  return (key: string) => values[key];
}

describe('reading the settings', () => {
  it('gives the defaults when nothing is set', () => {
    const { settings, problems } = parseSettings(from({}), true);

    assert.deepEqual(settings, DEFAULT_SETTINGS);
    assert.deepEqual(problems, []);
  });

  it('reads concurrency per kind, "auto" leaving the kind to the engine', () => {
    const { settings, problems } = parseSettings(from({
      concurrency: { globalValue: { stop: 64, start: 'auto' } },
    }), true);

    assert.deepEqual(settings.concurrency, { stop: 64 });
    assert.deepEqual(problems, []);
  });

  it('keeps compose dependency order unless turned off, and refuses a non-boolean', () => {
    const off = parseSettings(from({ dependencyOrder: { globalValue: false } }), true);
    const bad = parseSettings(from({ dependencyOrder: { globalValue: 'no' } }), true);

    assert.equal(DEFAULT_SETTINGS.dependencyOrder, true);
    assert.equal(off.settings.dependencyOrder, false);
    assert.equal(bad.settings.dependencyOrder, true);
    assert.equal(bad.problems.length, 1);
  });

  it('falls back to the default for an out-of-range value, with one problem', () => {
    const { settings, problems } = parseSettings(from({
      failureThreshold: { globalValue: 1.5 },
      stopGraceSeconds: { globalValue: -1 },
      concurrency: { globalValue: { stop: 0, jump: 3 } },
    }), true);

    assert.equal(settings.failureThreshold, DEFAULT_SETTINGS.failureThreshold);
    assert.equal(settings.stopGraceSeconds, DEFAULT_SETTINGS.stopGraceSeconds);
    assert.deepEqual(settings.concurrency, {});
    assert.equal(problems.length, 4);
    assert.match(problems[0]!, /stevedore\.concurrency\.stop/);
  });

  it('lets an untrusted workspace change neither the engine nor the confirmations', () => {
    const { settings } = parseSettings(from({
      'engine.host': { globalValue: 'unix:///mine.sock', workspaceValue: 'tcp://evil:2375' },
      confirmDestructive: { globalValue: true, workspaceValue: false },
      confirmAbove: { workspaceValue: 100_000 },
      groupBy: { workspaceValue: 'state' },
    }), false);

    assert.equal(settings.engineHost, 'unix:///mine.sock');
    assert.equal(settings.confirmDestructive, true);
    assert.equal(settings.confirmAbove, DEFAULT_SETTINGS.confirmAbove);
    assert.equal(settings.groupBy, 'state');
  });

  it('reads the engine address from the user settings even in a trusted workspace', () => {
    const { settings } = parseSettings(from({
      'engine.host': { workspaceValue: 'tcp://elsewhere:2375' },
    }), true);

    assert.equal(settings.engineHost, undefined);
  });

  it('reads more engines from stevedore.engine.hosts, dropping and naming a bad entry', () => {
    const { settings, problems } = parseSettings(from({
      'engine.hosts': {
        globalValue: [
          { name: ' build ', host: 'tcp://build-1:2376', tlsVerify: true, certPath: '/certs' },
          { host: 'unix:///run/other.sock' },
          { name: 'no address' },
          { host: 'tcp://x:2375', tlsVerify: 'yes' },
        ],
      },
    }), true);

    assert.deepEqual(settings.engineHosts, [
      { name: 'build', host: 'tcp://build-1:2376', tlsVerify: true, certPath: '/certs' },
      { host: 'unix:///run/other.sock' },
    ]);
    assert.equal(problems.length, 2);
    assert.match(problems[0] ?? '', /engine\.hosts\[2\]/);
    assert.match(problems[1] ?? '', /engine\.hosts\[3\]/);
  });

  it('reads stevedore.engine.hosts from the user settings only, as a machine setting', () => {
    const { settings } = parseSettings(from({
      'engine.hosts': { workspaceValue: [{ host: 'tcp://someone-else:2375' }] },
    }), true);

    assert.deepEqual(settings.engineHosts, []);
  });

  it('offers no extra engines when stevedore.engine.hosts is not a list', () => {
    const { settings, problems } = parseSettings(from({
      'engine.hosts': { globalValue: 'tcp://x:2375' },
    }), true);

    assert.deepEqual(settings.engineHosts, []);
    assert.equal(problems.length, 1);
  });
});
