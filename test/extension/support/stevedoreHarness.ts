// What the extension tests share: the activated extension's API, a Docker client on the
// engine the test wrapper started, and small helpers to make and wait for containers.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

import Dockerode from 'dockerode';
import * as vscode from 'vscode';

import type { StevedoreApi } from '../../../src/extension/extension';
import type { StevedoreServices } from '../../../src/extension/stevedoreServices';

/** The extension's id: publisher.name from package.json. */
export const EXTENSION_ID = 'stevedore.stevedore';

/** Activates Stevedore (a no-op when it already is) and returns its API. */
export async function activateStevedore(): Promise<StevedoreApi> {
  const extension = vscode.extensions.getExtension<StevedoreApi>(EXTENSION_ID);
  assert.ok(extension, `Expected the extension ${EXTENSION_ID} to be installed`);
  return extension.activate();
}

/** The running services; fails the test when there are none. */
export function servicesOf(api: StevedoreApi): StevedoreServices {
  assert.ok(api.services, 'Expected Stevedore to be running');
  return api.services;
}

/** A client on the throwaway engine: the extension host inherited DOCKER_HOST. */
export function testDocker(): Dockerode {
  const host = process.env.DOCKER_HOST ?? '';
  assert.match(host, /^unix:\/\//, 'Expected DOCKER_HOST to name the sandbox socket');
  return new Dockerode({ socketPath: host.slice('unix://'.length) });
}

/** The image the sandbox imported (busybox, CMD sleep). */
export function testImage(): string {
  const image = process.env.STEVEDORE_TEST_IMAGE;
  assert.ok(image, 'Expected STEVEDORE_TEST_IMAGE from the test wrapper');
  return image;
}

/** Waits for `check` to return something other than undefined or false; polls every 100 ms. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** How to make a batch of test containers. */
export interface TestContainers {
  /** Name prefix and the value of the `stevedore.test` label. */
  readonly tag: string;
  readonly count: number;
  readonly start?: boolean;
  /** With an init as PID 1 a stop takes no time; without, `sleep` ignores SIGTERM. */
  readonly honoursSigterm?: boolean;
  readonly labels?: Record<string, string>;
}

/** Creates (and maybe starts) containers labelled `stevedore.test=<tag>`; returns their ids. */
export async function createTestContainers(docker: Dockerode, spec: TestContainers) {
  const ids: string[] = [];
  // Names must be unique on the engine: a test may make several batches with one tag.
  const batch = randomBytes(3).toString('hex');
  for (let i = 0; i < spec.count; i++) {
    const container = await docker.createContainer({
      Image: testImage(),
      name: `${spec.tag}-${batch}-${i}`,
      Labels: { 'stevedore.test': spec.tag, ...spec.labels },
      HostConfig: { NetworkMode: 'none', Init: spec.honoursSigterm ?? true },
    });
    ids.push(container.id);
  }
  if (spec.start) {
    await Promise.all(ids.map((id) => docker.getContainer(id).start()));
  }
  return ids;
}

/** Force-removes every container labelled `stevedore.test=<tag>`. */
export async function removeTestContainers(docker: Dockerode, tag: string): Promise<void> {
  const listed = await docker.listContainers({
    all: true,
    filters: { label: [`stevedore.test=${tag}`] },
  });
  await Promise.all(listed.map((c) =>
    docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
}

/** The state Docker reports for each id, in order. */
export async function statesOf(docker: Dockerode, ids: readonly string[]): Promise<string[]> {
  return Promise.all(ids.map(async (id) => (await docker.getContainer(id).inspect()).State.Status));
}

/** Lists now and waits until the tree shows it. */
export async function refreshTree(api: StevedoreApi): Promise<void> {
  const session = servicesOf(api).connection.session;
  assert.ok(session, 'Expected an engine session');
  await session.containers.refreshNow();
}

/** Sets a user setting for the test; returns how to put the old value back. */
export async function useSetting(key: string, value: unknown): Promise<() => Promise<void>> {
  const config = vscode.workspace.getConfiguration('stevedore');
  const before = config.inspect(key)?.globalValue;
  await config.update(key, value, vscode.ConfigurationTarget.Global);
  return async () => {
    await vscode.workspace.getConfiguration('stevedore')
      .update(key, before, vscode.ConfigurationTarget.Global);
  };
}
