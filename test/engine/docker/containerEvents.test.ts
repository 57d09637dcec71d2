import * as assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';

import {
  type ContainerEvent,
  ContainerEvents,
  type EventSource,
} from '../../../src/engine/docker/containerEvents';

/** An engine stand-in: each subscription gets a stream the test writes events into. */
class FakeEngine implements EventSource {
  readonly streams: PassThrough[] = [];
  readonly calls: { since?: string; filters: { type: string[] } }[] = [];
  failuresLeft = 0;

  getEvents(options: { filters: { type: string[] }; since?: string; abortSignal: AbortSignal }) {
    const since = options.since === undefined ? {} : { since: options.since };
    this.calls.push({ filters: options.filters, ...since });
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      return Promise.reject(Object.assign(new Error('connect ENOENT'), { code: 'ENOENT' }));
    }
    const stream = new PassThrough();
    options.abortSignal.addEventListener('abort', () => stream.destroy());
    this.streams.push(stream);
    return Promise.resolve(stream);
  }

  emit(stream: number, event: object): void {
    this.streams[stream]!.write(`${JSON.stringify(event)}\n`);
  }
}

function containerEvent(id: string, action: string, timeNano: number): object {
  return { Type: 'container', Action: action, Actor: { ID: id, Attributes: {} }, timeNano };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

describe('the container event stream', () => {
  let events: ContainerEvents | undefined;

  afterEach(() => events?.dispose());

  it('subscribes to container events only and reports each one as a hint', async () => {
    const engine = new FakeEngine();
    events = new ContainerEvents(engine, { minBackoffMs: 1 });
    const seen: ContainerEvent[] = [];
    events.onEvent((e) => seen.push(e));
    events.start();
    await until(() => engine.streams.length === 1);

    engine.emit(0, containerEvent('abc', 'start', 1_700_000_000_500_000_000));
    engine.emit(0, containerEvent('abc', 'exec_start: sh', 1_700_000_001_000_000_000));
    engine.emit(0, { Type: 'network', Action: 'connect', Actor: { ID: 'n' } });
    engine.emit(0, containerEvent('def', 'die', 1_700_000_002_000_000_000));
    await until(() => seen.length === 2);

    assert.deepEqual(engine.calls[0]?.filters, { type: ['container'] });
    assert.deepEqual(seen.map((e) => `${e.id} ${e.action}`), ['abc start', 'def die']);
  });

  it('reads events split across chunks and several in one chunk', async () => {
    const engine = new FakeEngine();
    events = new ContainerEvents(engine, { minBackoffMs: 1 });
    const seen: string[] = [];
    events.onEvent((e) => seen.push(e.action));
    events.start();
    await until(() => engine.streams.length === 1);

    const a = JSON.stringify(containerEvent('a', 'start', 1e18));
    const b = JSON.stringify(containerEvent('b', 'stop', 1e18));
    engine.streams[0]!.write(a.slice(0, 10));
    engine.streams[0]!.write(`${a.slice(10)}\n${b}\n`);
    await until(() => seen.length === 2);

    assert.deepEqual(seen, ['start', 'stop']);
  });

  it('reconnects when the stream ends, asking for what it missed with since', async () => {
    const engine = new FakeEngine();
    events = new ContainerEvents(engine, { minBackoffMs: 1 });
    let connections = 0;
    events.onConnected(() => connections++);
    events.start();
    await until(() => engine.streams.length === 1);
    engine.emit(0, containerEvent('a', 'start', 1_700_000_000_250_000_000));
    await new Promise((resolve) => setImmediate(resolve));

    engine.streams[0]!.end();
    await until(() => engine.streams.length === 2);

    assert.equal(connections, 2);
    assert.equal(engine.calls[1]?.since, '1700000000.250');
  });

  it('keeps trying with backoff while the engine cannot be reached', async () => {
    const engine = new FakeEngine();
    engine.failuresLeft = 3;
    events = new ContainerEvents(engine, { minBackoffMs: 1, maxBackoffMs: 4 });
    const problems: string[] = [];
    events.onDisconnected((error) => problems.push(error.name));
    events.start();

    await until(() => engine.streams.length === 1);

    assert.equal(engine.calls.length, 4);
    assert.deepEqual(problems, ['EngineUnreachableError', 'EngineUnreachableError',
      'EngineUnreachableError']);
  });

  it('stops for good when disposed', async () => {
    const engine = new FakeEngine();
    events = new ContainerEvents(engine, { minBackoffMs: 1 });
    events.start();
    await until(() => engine.streams.length === 1);

    events.dispose();
    await new Promise((resolve) => setTimeout(resolve, 20));

    assert.equal(engine.streams[0]!.destroyed, true);
    assert.equal(engine.calls.length, 1);
  });
});
